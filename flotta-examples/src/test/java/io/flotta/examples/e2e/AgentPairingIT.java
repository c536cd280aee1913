package io.flotta.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.controlplane.EnrolmentView;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.examples.testing.Polling;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Pairing of an agent in its own JVM with the control plane over mTLS. */
class AgentPairingIT extends E2eTestBase {

    private static final Pattern APPLIED = Pattern.compile("device pairing-1 applied configuration ([0-9a-f]+)");

    @Test
    void agentEnrolsRegistersFetchesConfigurationAndSendsHeartbeats() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().build());
        ControlPlane cp = env.controlPlane();
        ChildJvm agent = env.startAgent("pairing-1");

        DeviceView registered = Polling.await("device pairing-1 to register", Duration.ofSeconds(30),
                () -> env.device("pairing-1").filter(d -> d.lastSeen() != null));
        assertThat(registered.status().hardware().path("hostname").asText()).isNotBlank();
        assertThat(registered.status().hardware().path("cpu").path("architecture").asText()).isNotBlank();
        assertThat(registered.status().hardware().path("cpu").path("model_name").asText()).isNotBlank();
        assertThat(registered.labels()).containsKeys("device.hostname", "device.cpu-architecture");
        assertThat(registered.lastSeen()).isBetween(Instant.now().minusSeconds(30), Instant.now());
        assertThat(registered.status().certificateSerials()).hasSize(1);
        assertThat(cp.enrolmentRequests()).extracting(EnrolmentView::deviceId, EnrolmentView::approved)
                .containsExactly(tuple("pairing-1", true));

        Matcher applied = APPLIED.matcher(agent.awaitLine(APPLIED, Duration.ofSeconds(10)).text());
        assertThat(applied.find()).isTrue();
        DeviceView first = env.awaitHeartbeat("pairing-1", Instant.EPOCH, Duration.ofSeconds(10));
        // heartbeats keep coming at the configured 1 s period, and report the applied configuration
        DeviceView second = env.awaitHeartbeat("pairing-1", first.lastSeen(), Duration.ofSeconds(5));
        DeviceView third = env.awaitHeartbeat("pairing-1", second.lastSeen(), Duration.ofSeconds(5));
        assertThat(Duration.between(first.lastSeen(), third.lastSeen())).isBetween(Duration.ofMillis(1500),
                Duration.ofSeconds(10));
        assertThat(third.online()).isTrue();
        assertThat(third.status().agentStatus()).isEqualTo("up");
        assertThat(third.status().agentVersion()).isEqualTo(applied.group(1));
        assertThat(cp.devices()).extracting(DeviceView::id).containsExactly("pairing-1");
        assertThat(agent.linesMatching(Pattern.compile("answered 401|Exception"))).isEmpty();
    }

    @Test
    void agentWaitsForManualApprovalAndProceedsRightAfterIt() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().autoApprove(false).build());
        ControlPlane cp = env.controlPlane();
        ChildJvm agent = env.startAgent("manual-1");

        EnrolmentView request = Polling.await("an enrolment request", Duration.ofSeconds(30),
                () -> cp.enrolmentRequests().stream().findFirst());
        assertThat(request.deviceId()).isEqualTo("manual-1");
        assertThat(request.approved()).isFalse();
        agent.awaitLine(Pattern.compile("enrolment of manual-1 awaits approval"), Duration.ofSeconds(10));
        // the agent keeps asking, and keeps being refused a device, for as long as nobody approves
        int asked = agent.linesMatching(Pattern.compile("awaits approval")).size();
        Polling.pause(Duration.ofMillis(2500));
        assertThat(agent.linesMatching(Pattern.compile("awaits approval")).size()).isGreaterThan(asked);
        assertThat(cp.devices()).isEmpty();
        assertThat(agent.linesMatching(Pattern.compile("holds a certificate"))).isEmpty();

        long approvedAt = System.nanoTime();
        assertThat(cp.approve("manual-1")).isTrue();
        Polling.await("device manual-1 to register", Duration.ofSeconds(10), () -> env.device("manual-1"));
        long registeredAt = System.nanoTime();
        env.awaitHeartbeat("manual-1", Instant.EPOCH, Duration.ofSeconds(10));
        long heartbeatAt = System.nanoTime();
        System.out.printf("manual approval: registered %d ms and first heartbeat %d ms after approval%n",
                (registeredAt - approvedAt) / 1_000_000, (heartbeatAt - approvedAt) / 1_000_000);
        // the agent retries enrolment at most every --max-backoff-seconds (2 s here)
        assertThat(Duration.ofNanos(registeredAt - approvedAt)).isLessThan(Duration.ofSeconds(5));
        assertThat(cp.enrolmentRequests()).singleElement().extracting(EnrolmentView::approved).isEqualTo(true);
    }
}
