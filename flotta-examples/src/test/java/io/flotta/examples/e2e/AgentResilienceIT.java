package io.flotta.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeviceWorkloadStatus;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.examples.testing.Polling;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Outages of either side: the control plane restarted, the agent killed. */
class AgentResilienceIT extends E2eTestBase {

    private static final String NS = E2eEnvironment.NAMESPACE;
    /** SIGKILL as an exit code: 128 + 9. */
    private static final int KILLED = 137;

    @Test
    void agentReconnectsToARestartedControlPlaneAndNothingIsLost() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().build());
        ChildJvm agent = env.startAgent("restart-1");
        agent.awaitLine(Pattern.compile("device restart-1 applied configuration"), Duration.ofSeconds(30));
        env.controlPlane().applyDeployment(NS, "web", E2eEnvironment.deploymentFor("restart-1", "kept"));
        agent.awaitLine(Pattern.compile("would run workload web"), Duration.ofSeconds(10));
        DeviceView before = awaitRunning("restart-1", "web");

        int mark = agent.lineCount();
        env.stopControlPlane();
        Polling.pause(Duration.ofSeconds(1));
        Instant restartedAt = Instant.now();
        env.startControlPlane();

        DeviceView after = env.awaitHeartbeat("restart-1", restartedAt, Duration.ofSeconds(15));
        System.out.printf("control-plane restart: first heartbeat %d ms after the control plane was back%n",
                Duration.between(restartedAt, after.lastSeen()).toMillis());
        after = env.awaitHeartbeat("restart-1", after.lastSeen(), Duration.ofSeconds(5));
        assertThat(env.controlPlane().devices()).extracting(DeviceView::id).containsExactly("restart-1");
        assertThat(after.status().registeredAt()).isEqualTo(before.status().registeredAt());
        assertThat(after.status().certificateSerials()).isEqualTo(before.status().certificateSerials());
        assertThat(after.status().workloads()).extracting(DeviceWorkloadStatus::name, DeviceWorkloadStatus::phase)
                .containsExactly(tuple("web", "Running"));
        assertThat(after.online()).isTrue();
        assertThat(env.controlPlane().enrolmentRequests()).hasSize(1);
        assertThat(agent.isAlive()).isTrue();
        assertThat(agent.lines().subList(mark, agent.lineCount())).extracting(ChildJvm.Line::text)
                .noneMatch(t -> t.matches(".*(would run workload|would remove workload|answered 401|enrolment of).*"));
    }

    @Test
    void killedAgentRestartsWithoutTheControlPlaneFromDiskAndCatchesUpLater() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().build());
        ChildJvm agent = env.startAgent("crash-1");
        agent.awaitLine(Pattern.compile("device crash-1 applied configuration"), Duration.ofSeconds(30));
        env.controlPlane().applyDeployment(NS, "first", E2eEnvironment.deploymentFor("crash-1", "before the crash"));
        agent.awaitLine(Pattern.compile("would run workload first"), Duration.ofSeconds(10));
        DeviceView before = awaitRunning("crash-1", "first");

        assertThat(agent.kill()).isEqualTo(KILLED);
        // decided while the device is down; the agent can only learn it from the control plane
        env.controlPlane().applyDeployment(NS, "second", E2eEnvironment.deploymentFor("crash-1", "while down"));
        env.stopControlPlane();

        // started without --device-id: the id must come from the state directory
        ChildJvm restarted = env.startAgent("crash-1", false);
        restarted.awaitLine(Pattern.compile("Agent crash-1 started"), Duration.ofSeconds(30));
        restarted.awaitLine(Pattern.compile("applying the stored configuration"), Duration.ofSeconds(10));
        restarted.awaitLine(Pattern.compile("would run workload first:.*before the crash"), Duration.ofSeconds(10));
        Polling.pause(Duration.ofMillis(1500));
        assertThat(restarted.isAlive()).isTrue();
        assertThat(restarted.linesMatching(Pattern.compile("would run workload second"))).isEmpty();

        Instant backAt = Instant.now();
        env.startControlPlane();
        restarted.awaitLine(Pattern.compile("would run workload second:.*while down"), Duration.ofSeconds(15));
        DeviceView after = awaitRunning("crash-1", "second");
        after = env.awaitHeartbeat("crash-1", backAt, Duration.ofSeconds(10));
        assertThat(after.status().workloads()).extracting(DeviceWorkloadStatus::name).containsExactly("first", "second");
        assertThat(after.status().registeredAt()).isEqualTo(before.status().registeredAt());
        assertThat(after.status().certificateSerials()).isEqualTo(before.status().certificateSerials());
        assertThat(env.controlPlane().devices()).extracting(DeviceView::id).containsExactly("crash-1");
        assertThat(restarted.linesMatching(Pattern.compile("would remove workload|enrolment of|answered 401")))
                .isEmpty();
    }

    private DeviceView awaitRunning(String deviceId, String workload) {
        return Polling.await(workload + " running on " + deviceId, Duration.ofSeconds(10),
                () -> env.device(deviceId).filter(d -> d.status().workloads().stream()
                        .anyMatch(w -> w.name().equals(workload) && w.phase().equals("Running"))));
    }
}
