package io.flotta.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.internal.ca.CaFixture;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateChecksTest {

    @TempDir
    static Path ours;
    @TempDir
    static Path theirs;
    @TempDir
    static Path sameName;

    private static CertificateAuthority ca;
    private static CertificateAuthority otherCa;
    private static CertificateAuthority impostorCa;

    @BeforeAll
    static void createCas() {
        ca = CaFixture.open(ours);
        otherCa = CaFixture.open(theirs);
        // same default CN as ours, different key: only the signature tells them apart
        impostorCa = CaFixture.open(sameName);
    }

    @AfterAll
    static void closeCas() {
        ca.close();
        otherCa.close();
        impostorCa.close();
    }

    @Test
    void findsTheAnchorThatSignedALeaf() {
        X509Certificate leaf = CaFixture.device(ca, "dev-1", "ns", Duration.ofDays(1)).certificate();
        List<X509Certificate> anchors = List.of(otherCa.trustAnchors().get(0), ca.trustAnchors().get(0));

        assertThat(CertificateChecks.findIssuer(leaf, anchors)).contains(ca.trustAnchors().get(0));
        assertThat(CertificateChecks.signedByAny(leaf, anchors)).isTrue();
        assertThat(CertificateChecks.signedByAny(leaf, otherCa.trustAnchors())).isFalse();
    }

    @Test
    void aCaWithTheSameNameButAnotherKeyIsNotTheIssuer() {
        X509Certificate leaf = CaFixture.device(impostorCa, "dev-1", "ns", Duration.ofDays(1)).certificate();

        assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.trustAnchors().get(0).getSubjectX500Principal());
        assertThat(CertificateChecks.isSignedBy(leaf, ca.trustAnchors().get(0))).isFalse();
        assertThat(CertificateChecks.signedByAny(leaf, ca.trustAnchors())).isFalse();
    }

    @Test
    void validityIsJudgedAtTheGivenInstant() {
        X509Certificate leaf = CaFixture.device(ca, "dev-1", "ns", Duration.ofDays(1)).certificate();
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();

        assertThat(CertificateChecks.validity(leaf, notBefore.minusSeconds(1)))
                .isEqualTo(CertificateChecks.Validity.NOT_YET_VALID);
        assertThat(CertificateChecks.validity(leaf, notBefore)).isEqualTo(CertificateChecks.Validity.VALID);
        assertThat(CertificateChecks.validity(leaf, notAfter)).isEqualTo(CertificateChecks.Validity.VALID);
        assertThat(CertificateChecks.validity(leaf, notAfter.plusSeconds(1)))
                .isEqualTo(CertificateChecks.Validity.EXPIRED);
        assertThat(CertificateChecks.validity(leaf, java.time.Clock.fixed(notAfter.plusSeconds(60),
                java.time.ZoneOffset.UTC))).isEqualTo(CertificateChecks.Validity.EXPIRED);
    }

    @Test
    void extractsTheSubject() {
        X509Certificate leaf = CaFixture.device(ca, "Dev-1", "edge-ns", Duration.ofDays(1)).certificate();

        assertThat(CertificateChecks.commonName(leaf)).contains("dev-1");
        assertThat(CertificateChecks.organizations(leaf)).containsExactly("flotta-operator");
        assertThat(CertificateChecks.organizationalUnits(leaf)).containsExactly("edge-ns");
        assertThat(CertificateChecks.subject(leaf)).contains(new CertificateSubject("dev-1", "flotta-operator", "edge-ns"));
    }

    @Test
    void valuesAreNotEscaped() {
        IssuedCredential client = ca.issueClient(new CertificateSubject("a,b+c=\"d\"", "O, Inc.", null), Duration.ofDays(1));

        assertThat(CertificateChecks.commonName(client.certificate())).contains("a,b+c=\"d\"");
        assertThat(CertificateChecks.organizations(client.certificate())).containsExactly("O, Inc.");
        assertThat(CertificateChecks.organizationalUnits(client.certificate())).isEmpty();
    }

    @Test
    void twoCommonNamesMeanNoCommonName() throws Exception {
        X509Certificate twoNames = selfSigned(new X500Name("CN=dev-1,CN=dev-2,O=flotta-operator"));

        assertThat(CertificateChecks.commonName(twoNames)).isEmpty();
        assertThat(CertificateChecks.subject(twoNames)).isEmpty();
    }

    @Test
    void onlyEndEntitiesWithClientAuthMayAuthenticateClients() {
        X509Certificate device = CaFixture.device(ca, "dev-1", "ns", Duration.ofDays(1)).certificate();
        X509Certificate server = ca.issueServer(List.of("localhost"), List.of(), Duration.ofDays(1)).certificate();

        assertThat(CertificateChecks.allowsClientAuth(device)).isTrue();
        assertThat(CertificateChecks.allowsClientAuth(server)).isFalse();
        assertThat(CertificateChecks.allowsClientAuth(ca.trustAnchors().get(0))).isFalse();
    }

    private static X509Certificate selfSigned(X500Name name) throws Exception {
        KeyPair keyPair = Keys.generateEcP256();
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.TEN, Date.from(now), Date.from(now.plusSeconds(60)), name, keyPair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
    }
}
