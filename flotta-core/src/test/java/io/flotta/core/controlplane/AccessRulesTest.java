package io.flotta.core.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.internal.ca.CaFixture;
import io.flotta.core.pki.CertificateChecks;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessRulesTest {

    @TempDir
    Path dir;

    CertificateAuthority ours;
    CertificateAuthority theirs;
    CountingAuthority ca;
    MutableClock clock = new MutableClock(Instant.now());
    AccessRules rules;

    @BeforeEach
    void start() {
        ours = CaFixture.open(dir.resolve("ours"));
        theirs = CaFixture.open(dir.resolve("theirs"));
        ca = new CountingAuthority(ours);
        rules = new AccessRules(ca, clock);
    }

    @AfterEach
    void stop() {
        ours.close();
        theirs.close();
    }

    @Test
    void deviceAndRegistrationCertificatesIdentifyTheirHolder() {
        X509Certificate device = CaFixture.device(ours, "dev-1", "fleet", Duration.ofDays(1)).chain().get(0);
        X509Certificate registration = ours.issueRegistration(Duration.ofDays(1)).chain().get(0);

        Caller d = rules.identify(List.of(device)).orElseThrow();
        Caller r = rules.identify(List.of(registration)).orElseThrow();

        assertThat(d.kind()).isEqualTo(Caller.Kind.DEVICE);
        assertThat(d.commonName()).isEqualTo("dev-1");
        assertThat(d.namespace()).isEqualTo("fleet");
        assertThat(d.expired()).isFalse();
        assertThat(d.certificate()).isSameAs(device);
        assertThat(r.kind()).isEqualTo(Caller.Kind.REGISTRATION);
        assertThat(r.namespace()).isNull();
    }

    @Test
    void aLeafSeenAgainIsNotVerifiedAgainEvenAsANewObject() throws Exception {
        X509Certificate device = CaFixture.device(ours, "dev-1", "fleet", Duration.ofDays(1)).chain().get(0);
        X509Certificate sameBytes = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(device.getEncoded()));

        Caller first = rules.identify(List.of(device)).orElseThrow();
        Caller again = rules.identify(List.of(sameBytes)).orElseThrow();

        assertThat(ca.issuedCalls.get()).isEqualTo(1);
        assertThat(again.commonName()).isEqualTo(first.commonName());
        assertThat(again.certificate()).isSameAs(sameBytes);
    }

    @Test
    void aRememberedLeafIsVerifiedAgainWhenTheTrustAnchorsChange() {
        X509Certificate device = CaFixture.device(ours, "dev-1", "fleet", Duration.ofDays(1)).chain().get(0);
        assertThat(rules.identify(List.of(device))).isPresent();

        ca.anchors = theirs.trustAnchors();

        assertThat(rules.identify(List.of(device))).isEmpty();
        assertThat(ca.issuedCalls.get()).isEqualTo(2);
    }

    @Test
    void aLeafWeDidNotIssueIsRefusedEveryTimeAndNotRemembered() {
        X509Certificate foreign = CaFixture.device(theirs, "dev-1", "fleet", Duration.ofDays(1)).chain().get(0);

        assertThat(rules.identify(List.of(foreign))).isEmpty();
        assertThat(rules.identify(List.of(foreign))).isEmpty();
        assertThat(ca.issuedCalls.get()).isEqualTo(2);
    }

    @Test
    void expiryIsJudgedOnEveryCallNotWhenTheLeafWasFirstSeen() {
        IssuedCredential credential = ours.issueClient(CertificateSubject.device("dev-1", "fleet"), Duration.ofHours(1));
        X509Certificate device = credential.chain().get(0);
        assertThat(rules.identify(List.of(device)).orElseThrow().expired()).isFalse();

        clock.now = device.getNotAfter().toInstant().plusSeconds(1);

        assertThat(rules.identify(List.of(device)).orElseThrow().expired()).isTrue();
        assertThat(rules.refusal(rules.identify(List.of(device)).orElseThrow(), Operation.HEARTBEAT, "dev-1"))
                .isEqualTo(401);
    }

    /** Our CA with anchors a test may swap, counting signature checks. */
    private static final class CountingAuthority implements CertificateAuthority {
        final CertificateAuthority delegate;
        final AtomicInteger issuedCalls = new AtomicInteger();
        volatile List<X509Certificate> anchors;

        CountingAuthority(CertificateAuthority delegate) {
            this.delegate = delegate;
            this.anchors = delegate.trustAnchors();
        }

        @Override
        public List<X509Certificate> trustAnchors() {
            return anchors;
        }

        @Override
        public boolean issued(X509Certificate certificate) {
            issuedCalls.incrementAndGet();
            return CertificateChecks.signedByAny(certificate, anchors);
        }

        @Override
        public X509Certificate signDevice(String csrPem, CertificateSubject subject, Duration validity) {
            return delegate.signDevice(csrPem, subject, validity);
        }

        @Override
        public IssuedCredential issueRegistration(Duration validity) {
            return delegate.issueRegistration(validity);
        }

        @Override
        public IssuedCredential issueServer(List<String> dnsNames, List<String> ipAddresses, Duration validity) {
            return delegate.issueServer(dnsNames, ipAddresses, validity);
        }

        @Override
        public IssuedCredential issueClient(CertificateSubject subject, Duration validity) {
            return delegate.issueClient(subject, validity);
        }

        @Override
        public void close() {
        }
    }
}
