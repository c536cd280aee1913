package io.flotta.examples;

import io.flotta.core.agent.Agent;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import java.nio.file.Path;
import java.time.Duration;

/** The whole device side as vendor firmware embeds it: {@code FirmwareAgent [bundle-dir] [state-dir]}. */
public final class FirmwareAgent {
    public static void main(String[] args) throws InterruptedException {
        Path bundle = Path.of(args.length > 0 ? args[0] : "/etc/flotta");
        Path state = Path.of(args.length > 1 ? args[1] : "/var/lib/flotta");
        Agent agent = Agent.builder()
                .bootstrap(BootstrapBundle.read(bundle))
                .stateDirectory(state)
                .runtime(ProviderRegistry.discover(WorkloadRuntimeProvider.class).selectConfigured(null)
                        .create(ProviderConfig.of(state.resolve("runtime"))))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
        agent.start();
        agent.awaitStop(Duration.ofDays(365 * 100));
    }
}
