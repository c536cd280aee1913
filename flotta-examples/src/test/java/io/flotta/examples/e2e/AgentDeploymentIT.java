package io.flotta.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.model.DeviceWorkloadStatus;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.examples.testing.Polling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Deployments reach the agent's runtime through the configuration long poll. */
class AgentDeploymentIT extends E2eTestBase {

    private static final Duration MAX_LATENCY = Duration.ofSeconds(2);

    @Test
    void deploymentReachesTheRuntimeWithinTwoSecondsThroughTheLongPoll() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().build());
        ControlPlane cp = env.controlPlane();
        ChildJvm agent = env.startAgent("deploy-1");
        agent.awaitLine(Pattern.compile("device deploy-1 applied configuration"), Duration.ofSeconds(30));
        // the agent asks again at once, now as a long poll; give the request a moment to arrive
        Polling.pause(Duration.ofMillis(300));

        List<Long> latencies = new ArrayList<>();
        String[][] changes = {{"hello", "first"}, {"hello", "changed"}, {"second", "another"}};
        for (String[] change : changes) {
            int mark = agent.lineCount();
            long before = System.nanoTime();
            cp.applyDeployment(E2eEnvironment.NAMESPACE, change[0], E2eEnvironment.deploymentFor("deploy-1", change[1]));
            ChildJvm.Line ran = agent.awaitLine(mark, Pattern.compile("would run workload " + change[0] + ":.*"
                    + change[1]), Duration.ofSeconds(10));
            long millis = (ran.nanoTime() - before) / 1_000_000;
            latencies.add(millis);
            System.out.printf("deployment %s (%s) reached the agent's runtime after %d ms%n", change[0], change[1],
                    millis);
            agent.awaitLine(mark, Pattern.compile("device deploy-1 applied configuration"), Duration.ofSeconds(5));
            Polling.pause(Duration.ofMillis(300));
        }
        assertThat(latencies).allSatisfy(ms -> assertThat(Duration.ofMillis(ms)).isLessThan(MAX_LATENCY));

        // the heartbeat brings the runtime's phase back to the control plane
        Polling.await("both workloads running", Duration.ofSeconds(10), () -> env.device("deploy-1")
                .filter(d -> d.status().workloads().stream().map(DeviceWorkloadStatus::phase)
                        .filter("Running"::equals).count() == 2));
        assertThat(agent.linesMatching(Pattern.compile("would remove workload|answered 401"))).isEmpty();
    }
}
