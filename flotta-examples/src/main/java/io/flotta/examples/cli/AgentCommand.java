package io.flotta.examples.cli;

import io.flotta.core.agent.Agent;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.storage.ObjectStorageProvider;
import io.flotta.spi.transport.TransportClientProvider;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flotta agent}: the device agent. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the device agent from a bootstrap bundle.")
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--bundle", required = true, description = "The bootstrap bundle directory.")
    Path bundle;

    @Option(names = "--state-dir", defaultValue = "flotta-agent", description = "Where the agent keeps its identity and configuration (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--device-id", description = "Device id on first start (default: the machine id).")
    String deviceId;

    @Option(names = "--runtime", description = "Workload runtime provider (podman, log; default: the best available).")
    String runtime;

    @Option(names = "--transport", description = "Transport provider (default: the best available).")
    String transport;

    @Override
    public Integer call() throws InterruptedException {
        WorkloadRuntime workloads = ProviderRegistry.discover(WorkloadRuntimeProvider.class).selectConfigured(runtime)
                .create(ProviderConfig.of(stateDir.resolve("runtime")));
        ObjectStorage storage = objectStorage();
        Agent.Builder builder = Agent.builder()
                .bootstrap(BootstrapBundle.read(bundle))
                .stateDirectory(stateDir)
                .deviceId(deviceId)
                .transport(ProviderRegistry.discover(TransportClientProvider.class).selectConfigured(transport))
                .runtime(workloads);
        if (storage != null) {
            builder.objectStorage(storage);
        }
        Agent agent = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            workloads.close();
            if (storage != null) {
                storage.close();
            }
        }, "flotta-agent-shutdown"));
        agent.start();
        System.out.println("Agent " + agent.deviceId() + " started");
        agent.awaitStop(java.time.Duration.ofDays(36500));
        return agent.phase() == Agent.Phase.DISCONNECTED ? 3 : 0;
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
