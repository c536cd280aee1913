package io.flotta.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.DeviceWorkloadStatus;
import io.flotta.core.model.LabelSelector;
import io.flotta.examples.SampleWorkload;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.examples.testing.Polling;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One control plane serving HTTP and gRPC on one engine, one agent on each transport in its own
 * JVM (the {@code log} runtime: both would otherwise run a pod of the same name on this host): both
 * get and run the same deployment, and a change reaches the gRPC agent pushed on its watch.
 */
class TwoTransportsIT extends E2eTestBase {

    private static final Duration MAX_PUSH_LATENCY = Duration.ofSeconds(2);
    private static final String HTTP_DEVICE = "via-http";
    private static final String GRPC_DEVICE = "via-grpc";

    @Test
    void agentsOnHttpAndGrpcRunTheSameDeploymentAndAChangeIsPushedOverGrpc() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().build(), true);
        ControlPlane cp = env.controlPlane();
        ChildJvm http = env.startAgent(HTTP_DEVICE, true, null);
        ChildJvm grpc = env.startAgent(GRPC_DEVICE, true, "grpc");
        http.awaitLine(Pattern.compile("Agent " + HTTP_DEVICE + " started \\(transport http to https://127\\.0\\.0\\.1:\\d+\\)"),
                Duration.ofSeconds(30));
        grpc.awaitLine(Pattern.compile("Agent " + GRPC_DEVICE + " started \\(transport grpc to https://127\\.0\\.0\\.1:\\d+\\)"),
                Duration.ofSeconds(30));
        for (ChildJvm agent : List.of(http, grpc)) {
            agent.awaitLine(Pattern.compile("applied configuration"), Duration.ofSeconds(30));
        }
        for (String device : List.of(HTTP_DEVICE, GRPC_DEVICE)) {
            Map<String, String> labels = new HashMap<>(env.device(device).orElseThrow().labels());
            labels.put("fleet", "mixed");
            cp.setDeviceLabels(E2eEnvironment.NAMESPACE, device, labels);
        }
        // the agents ask again at once, now waiting for a change; give them a moment to do so
        Polling.pause(Duration.ofMillis(500));

        int httpMark = http.lineCount();
        int grpcMark = grpc.lineCount();
        deploy("shared", "first");
        for (ChildJvm agent : List.of(http, grpc)) {
            int ran = agent.awaitLine(agent == http ? httpMark : grpcMark,
                    Pattern.compile("would run workload shared:.*first"), Duration.ofSeconds(10)).index();
            // the first workload also sets up the data uploads: wait until the whole apply is done
            agent.awaitLine(ran, Pattern.compile("applied configuration .* \\(1 workload"), Duration.ofSeconds(30));
        }
        Polling.pause(Duration.ofMillis(500));

        for (String message : List.of("second", "third")) {
            grpcMark = grpc.lineCount();
            httpMark = http.lineCount();
            long before = System.nanoTime();
            deploy("shared", message);
            ChildJvm.Line ran = grpc.awaitLine(grpcMark, Pattern.compile("would run workload shared:.*" + message),
                    Duration.ofSeconds(10));
            long millis = (ran.nanoTime() - before) / 1_000_000;
            System.out.printf("deployment change (%s) reached the gRPC agent's runtime after %d ms%n", message, millis);
            assertThat(Duration.ofMillis(millis)).isLessThan(MAX_PUSH_LATENCY);
            http.awaitLine(httpMark, Pattern.compile("would run workload shared:.*" + message), Duration.ofSeconds(10));
            for (ChildJvm agent : List.of(http, grpc)) {
                agent.awaitLine(agent == http ? httpMark : grpcMark, Pattern.compile("applied configuration"),
                        Duration.ofSeconds(10));
            }
            Polling.pause(Duration.ofMillis(500));
        }

        // both report the workload running through their heartbeats
        for (String device : List.of(HTTP_DEVICE, GRPC_DEVICE)) {
            Polling.await("shared running on " + device, Duration.ofSeconds(10), () -> env.device(device)
                    .filter(d -> d.status().workloads().stream().filter(w -> w.name().equals("shared"))
                            .map(DeviceWorkloadStatus::phase).anyMatch("Running"::equals)));
        }
        for (ChildJvm agent : List.of(http, grpc)) {
            assertThat(agent.linesMatching(Pattern.compile("answered 401|OutOfMemoryError"))).isEmpty();
        }
    }

    private void deploy(String name, String message) {
        env.controlPlane().applyDeployment(E2eEnvironment.NAMESPACE, name, new DeploymentSpec(null,
                new LabelSelector(Map.of("fleet", "mixed"), List.of()), "pod", SampleWorkload.pod(18080, message),
                null, null, null, null, null));
    }
}
