package io.flotta.examples.e2e;

import static io.flotta.examples.testing.Polling.await;

import io.flotta.core.controlplane.DeviceView;
import io.flotta.examples.testing.ChildJvm;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The firmware-style main: providers found by ServiceLoader, the runtime selected by name. */
class FirmwareAgentIT extends E2eTestBase {

    @Test
    void firmwareStyleMainPairsHeartbeatsAndRunsADeployment() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().build());
        ChildJvm agent = env.startFirmwareAgent("firmware");

        DeviceView device = await("the firmware agent's first heartbeat", Duration.ofSeconds(60),
                () -> env.controlPlane().devices().stream()
                        .filter(d -> d.lastSeen() != null && d.status().agentStatus() != null).findFirst());
        env.controlPlane().applyDeployment(E2eEnvironment.NAMESPACE, "fw",
                E2eEnvironment.deploymentFor(device.id(), "from firmware"));

        agent.awaitLine(Pattern.compile("would run workload fw"), Duration.ofSeconds(15));
    }
}
