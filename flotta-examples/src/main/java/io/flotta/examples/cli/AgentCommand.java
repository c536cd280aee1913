package io.flotta.examples.cli;

import io.flotta.core.agent.Agent;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.examples.metrics.AgentMetrics;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.storage.ObjectStorageProvider;
import io.flotta.spi.transport.TransportClientProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flotta agent}: the device agent. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the device agent from a bootstrap bundle.",
                "Exits with code 3 when the control plane deleted the device (its workloads and state are removed)."})
public final class AgentCommand implements Callable<Integer> {

    /** The exit code after the control plane deleted the device. */
    public static final int EXIT_DISCONNECTED = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--bundle", required = true, description = "The bootstrap bundle directory.")
    Path bundle;

    @Option(names = "--state-dir", defaultValue = "flotta-agent", description = "Where the agent keeps its identity and configuration (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--device-id", description = "Device id on first start (default: the machine id).")
    String deviceId;

    @Option(names = "--runtime", description = "Workload runtime provider (podman, log; default: the best available).")
    String runtime;

    @Option(names = "--transport", description = "Transport provider, e.g. http or grpc (default: the bundle's, "
            + "else http); the bundle must name that transport's server.")
    String transport;

    @Option(names = "--max-backoff-seconds", defaultValue = "30", description = "Longest wait between retries "
            + "while the control plane is unreachable or enrolment awaits approval (default: ${DEFAULT-VALUE}).")
    int maxBackoffSeconds;

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on 127.0.0.1:PORT/metrics "
            + "(default: not served).")
    Integer metricsPort;

    @Override
    public Integer call() throws InterruptedException {
        if (maxBackoffSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--max-backoff-seconds must be at least 1, was "
                    + maxBackoffSeconds);
        }
        WorkloadRuntime workloads = ProviderRegistry.discover(WorkloadRuntimeProvider.class).selectConfigured(runtime)
                .create(ProviderConfig.of(stateDir.resolve("runtime")));
        ObjectStorage storage = objectStorage();
        BootstrapBundle bootstrap = BootstrapBundle.read(bundle).forTransport(transport);
        Agent.Builder builder = Agent.builder()
                .bootstrap(bootstrap)
                .stateDirectory(stateDir)
                .deviceId(deviceId)
                .transport(ProviderRegistry.discover(TransportClientProvider.class).select(bootstrap.transport()))
                .runtime(workloads)
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(maxBackoffSeconds));
        AgentMetrics metrics = metricsPort == null ? null : new AgentMetrics(workloads);
        if (storage != null) {
            builder.objectStorage(metrics == null ? storage : metrics.meter(storage));
        }
        Agent agent = builder.build();
        if (metrics != null) {
            metrics.watch(agent);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (metrics != null) {
                metrics.close();
            }
            agent.close();
            workloads.close();
            if (storage != null) {
                storage.close();
            }
        }, "flotta-agent-shutdown"));
        agent.start();
        System.out.println("Agent " + agent.deviceId() + " started (transport " + bootstrap.transport() + " to "
                + bootstrap.server() + ")");
        if (metrics != null) {
            System.out.println("Agent metrics at http://127.0.0.1:" + metrics.serve("127.0.0.1", metricsPort) + "/metrics");
        }
        agent.awaitStop(Duration.ofDays(36500));
        return agent.phase() == Agent.Phase.DISCONNECTED ? EXIT_DISCONNECTED : 0;
    }

    /** The object storage for workload data; the bucket itself comes with the configuration. */
    private ObjectStorage objectStorage() {
        ProviderRegistry<ObjectStorageProvider> registry = ProviderRegistry.discover(ObjectStorageProvider.class);
        if (registry.providers().isEmpty()) {
            System.out.println("No object storage provider: workload data is not uploaded");
            return null;
        }
        return registry.selectConfigured(null).create(ProviderConfig.of(stateDir.resolve("storage")));
    }
}
