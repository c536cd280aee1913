package io.flotta.examples.cli;

import io.flotta.examples.gateway.Gateway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flotta gateway}: a yggdrasil-compatible gateway that runs the agent as its worker. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Run a yggdrasil-compatible gateway: it talks to the control plane over HTTPS and runs its",
                "workers (e.g. 'flotta agent') as child processes that reach it over a unix socket."})
public final class GatewayCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "The gateway's config.toml (upstream yggdrasil's layout).")
    Path config;

    @Option(names = "--workers-dir", description = "Directory of worker files (*.toml with exec, protocol, env); "
            + "default: 'workers' beside the config file.")
    Path workersDir;

    @Option(names = "--run-dir", description = "Where the workers' pid files are kept; default: 'run' beside the "
            + "config file.")
    Path runDir;

    @Option(names = "--poll-interval-seconds", defaultValue = "5", description = "How often control/in is polled "
            + "(default: ${DEFAULT-VALUE}, as upstream).")
    int pollIntervalSeconds;

    @Override
    public Integer call() throws InterruptedException {
        Path workers = workersDir != null ? workersDir : config.toAbsolutePath().getParent().resolve("workers");
        Path run = runDir != null ? runDir : config.toAbsolutePath().getParent().resolve("run");
        Gateway gateway = Gateway.start(config, workers, run, Duration.ofSeconds(Math.max(1, pollIntervalSeconds)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "flotta-gateway-shutdown"));
        System.out.println("Gateway listening on " + gateway.socketAddress());
        stopped.await();
        return 0;
    }
}
