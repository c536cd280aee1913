package io.flotta.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.controlplane.DeviceView;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.examples.testing.Polling;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Device certificates valid for a few seconds: renewal on time, and recovery from an expired one. */
class AgentCertificateIT extends E2eTestBase {

    private static final Duration VALIDITY = Duration.ofSeconds(6);
    /** Shorter for the expiry test, which has to wait it out. */
    private static final Duration SHORT_VALIDITY = Duration.ofSeconds(3);
    private static final Pattern HOLDS = Pattern.compile("device (\\S+) holds a certificate valid until (\\S+)");
    private static final Pattern RENEWING = Pattern.compile("renewing the certificate of ");
    private static final Pattern UNAUTHORIZED = Pattern.compile("answered 401");

    @Test
    void agentRenewsBeforeExpiryAndIsNeverRefused() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().deviceCertificateValidity(VALIDITY).build());
        ChildJvm agent = env.startAgent("renew-1");
        agent.awaitLine(HOLDS, Duration.ofSeconds(30));

        // two lifetimes: at least two renewals (due after two thirds of a lifetime), each on time
        Polling.pause(VALIDITY.multipliedBy(2));

        List<ChildJvm.Line> certificates = agent.linesMatching(HOLDS);
        assertThat(agent.linesMatching(RENEWING)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(certificates).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < certificates.size(); i++) {
            Instant previousExpiry = expiry(certificates.get(i - 1));
            assertThat(certificates.get(i).at()).as("renewal %d before the previous certificate expired", i)
                    .isBefore(previousExpiry);
        }
        assertThat(agent.linesMatching(UNAUTHORIZED)).as("401 answers").isEmpty();
        DeviceView device = env.awaitHeartbeat("renew-1", Instant.now().minusMillis(200), Duration.ofSeconds(5));
        assertThat(device.status().certificateSerials()).hasSizeGreaterThanOrEqualTo(3).doesNotHaveDuplicates();
        assertThat(device.status().certificateExpiry()).isAfter(Instant.now());
        System.out.printf("certificate renewal: %d certificates in %d s of %d s validity, no 401%n",
                certificates.size(), VALIDITY.multipliedBy(2).toSeconds(), VALIDITY.toSeconds());
    }

    @Test
    void agentStartedWithAnExpiredCertificateRegistersAgain() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().deviceCertificateValidity(SHORT_VALIDITY).build());
        ChildJvm first = env.startAgent("expired-1");
        first.awaitLine(HOLDS, Duration.ofSeconds(30));
        env.awaitHeartbeat("expired-1", Instant.EPOCH, Duration.ofSeconds(10));
        assertThat(first.stop(Duration.ofSeconds(15))).as("exit code after SIGTERM").isIn(0, 143);
        List<ChildJvm.Line> held = first.linesMatching(HOLDS);
        Instant expiry = expiry(held.get(held.size() - 1));
        DeviceView before = env.device("expired-1").orElseThrow();

        Polling.await("the stored certificate to expire", SHORT_VALIDITY.plusSeconds(5),
                () -> Optional.of(true).filter(x -> Instant.now().isAfter(expiry.plusMillis(500))));
        Instant restartedAt = Instant.now();
        ChildJvm second = env.startAgent("expired-1");

        ChildJvm.Line renewed = second.awaitLine(HOLDS, Duration.ofSeconds(30));
        assertThat(expiry(renewed)).isAfter(restartedAt);
        assertThat(second.linesMatching(RENEWING)).isNotEmpty();
        // renewed with the expired certificate before anything else was sent with it
        assertThat(second.linesMatching(UNAUTHORIZED)).as("401 answers").isEmpty();
        DeviceView after = env.awaitHeartbeat("expired-1", restartedAt, Duration.ofSeconds(10));
        assertThat(after.status().registeredAt()).isEqualTo(before.status().registeredAt());
        assertThat(after.status().certificateSerials()).containsAll(before.status().certificateSerials())
                .hasSizeGreaterThan(before.status().certificateSerials().size());
        assertThat(env.controlPlane().enrolmentRequests()).hasSize(1);
        assertThat(env.controlPlane().devices()).hasSize(1);
    }

    private static Instant expiry(ChildJvm.Line line) {
        Matcher m = HOLDS.matcher(line.text());
        assertThat(m.find()).as("certificate line: %s", line.text()).isTrue();
        return Instant.parse(m.group(2));
    }
}
