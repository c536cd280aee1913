package io.flotta.examples.embedding;

import io.flotta.core.agent.Agent;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.SampleWorkload;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import io.flotta.spi.transport.TransportClientProvider;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's embedding example: a control plane with everything embedded, and an agent paired
 * with it. {@code QuickStart [data-dir] [agent-dir]} runs both in this process for a minute, with the
 * {@code log} runtime, so it needs no podman.
 */
public final class QuickStart {

    private QuickStart() {
    }

    /** A control plane with its embedded store and CA serving the device API on {@code port}. */
    public static EmbeddedControlPlane controlPlane(Path dataDir, int port, DeploymentSpec web) {
        // tag::control-plane[]
        // control plane: embedded store and CA, device API on port 8043 (0: any free port)
        EmbeddedControlPlane cp = EmbeddedControlPlane.builder()
                .dataDirectory(dataDir).port(port).start();
        cp.writeBootstrapBundle(dataDir.resolve("bootstrap"));     // ship this on the device image
        cp.controlPlane().applyDeployment("default", "web", web);  // an EdgeDeployment's spec
        // end::control-plane[]
        return cp;
    }

    /** An agent on the device, started from the bootstrap bundle in {@code bundle}. */
    public static Agent agent(Path bundle, Path stateDir, String runtime) {
        // tag::agent[]
        // agent, on the device
        Agent agent = Agent.builder()
                .bootstrap(BootstrapBundle.read(bundle))
                .stateDirectory(stateDir)
                .transport(ProviderRegistry.discover(TransportClientProvider.class).select())
                .runtime(ProviderRegistry.discover(WorkloadRuntimeProvider.class).select(runtime)
                        .create(ProviderConfig.of(stateDir.resolve("runtime"))))
                .build();
        agent.start();
        // end::agent[]
        return agent;
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(args.length > 0 ? args[0] : "flotta-data");
        Path agentDir = Path.of(args.length > 1 ? args[1] : "flotta-agent");
        DeploymentSpec web = SampleWorkload.deployment(java.util.Map.of(), 8088, "hello");
        try (EmbeddedControlPlane cp = controlPlane(dataDir, 8043, web);
             Agent agent = agent(dataDir.resolve("bootstrap"), agentDir, "log")) {
            Thread.sleep(Duration.ofMinutes(1).toMillis());
            cp.controlPlane().devices().forEach(d -> System.out.println(d.id() + " " + d.status().state()));
        }
    }
}
