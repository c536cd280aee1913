package io.flotta.examples.podman;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.SampleWorkload;
import io.flotta.examples.cli.FlottaCli;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.runtime.podman.PodmanRuntimeProvider;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The podman check of the gRPC transport: an agent in its own JVM on {@code --transport grpc
 * --runtime podman} runs a deployment as a real pod, and a change replaces it. (The two-transport
 * end-to-end test uses the {@code log} runtime: pods are named after their workload, so two
 * devices on one host would fight over one pod.) Fails (never skips) without podman.
 */
class GrpcAgentPodmanIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aGrpcAgentRunsADeploymentOnPodmanAndAChangeReplacesThePod() {
        Podman.requireReady();
        String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        String deviceId = "grpc-device-" + run;
        String workload = "e2e-grpc-" + run;
        int port = Podman.freePort();
        Path state = dir.resolve("agent");
        ChildJvm agent = null;
        try (EmbeddedControlPlane embedded = EmbeddedControlPlane.builder().dataDirectory(dir.resolve("control-plane"))
                .port(0).grpcPort(0).options(ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(1)).build())
                .start()) {
            ControlPlane cp = embedded.controlPlane();
            Path bundle = dir.resolve("bootstrap");
            embedded.writeBootstrapBundle(bundle);
            try {
                agent = ChildJvm.start("agent-" + deviceId, List.of("-Xmx64m"), FlottaCli.class, List.of("agent",
                        "--bundle", bundle.toString(), "--state-dir", state.toString(), "--device-id", deviceId,
                        "--runtime", "podman", "--transport", "grpc"));
                agent.awaitLine(Pattern.compile("started \\(transport grpc to " + Pattern.quote(
                        embedded.grpcDeviceUrl().orElseThrow().toString()) + "\\)"), Duration.ofSeconds(30));
                agent.awaitLine(Pattern.compile("applied configuration"), WAIT);

                cp.applyDeployment("default", workload, new DeploymentSpec(deviceId, null, "pod",
                        SampleWorkload.pod(port, "first"), null, null, null, null, null));
                assertThat(awaitPage(port, "MESSAGE=first")).contains("DEVICE_ID=" + deviceId);
                String firstPod = Podman.podId(workload).orElseThrow();

                cp.applyDeployment("default", workload, new DeploymentSpec(deviceId, null, "pod",
                        SampleWorkload.pod(port, "second"), null, null, null, null, null));
                awaitPage(port, "MESSAGE=second");
                assertThat(Podman.podId(workload)).isPresent().get().isNotEqualTo(firstPod);
                assertThat(agent.linesMatching(Pattern.compile("answered 401|OutOfMemoryError"))).isEmpty();
            } finally {
                if (agent != null) {
                    agent.stopOrKill(Duration.ofSeconds(15));
                }
                try (WorkloadRuntime runtime = new PodmanRuntimeProvider().create(ProviderConfig.of(state.resolve("runtime")))) {
                    runtime.remove(workload);
                } catch (RuntimeException e) {
                    System.out.println("cleanup of " + workload + " through the runtime failed: " + e.getMessage());
                } finally {
                    Podman.removePod(workload);
                }
            }
        }
    }

    private static String awaitPage(int port, String expected) {
        return Podman.awaitPage(port, expected, WAIT, Duration.ofMillis(100));
    }
}
