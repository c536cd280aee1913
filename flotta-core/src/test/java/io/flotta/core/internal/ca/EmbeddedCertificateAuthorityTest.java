package io.flotta.core.internal.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.core.pki.CertificateChecks;
import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateAuthorityProvider;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedCertificateAuthorityTest {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final Instant NOW = Instant.parse("2030-01-15T12:00:00Z");

    @TempDir
    Path directory;

    private CertificateAuthority open(Clock clock) {
        return EmbeddedCertificateAuthority.open(directory, EmbeddedCertificateAuthority.Settings.defaults(), clock);
    }

    private CertificateAuthority open() {
        return open(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void createsAnEcP256CaOnFirstUse() throws Exception {
        try (CertificateAuthority ca = open()) {
            X509Certificate root = ca.trustAnchors().get(0);

            assertThat(ca.trustAnchors()).hasSize(1);
            assertThat(root.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=flotta-ca"));
            assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
            root.verify(root.getPublicKey());
            assertThat(root.getBasicConstraints()).isEqualTo(0);
            assertThat(root.getKeyUsage()[5]).as("keyCertSign").isTrue();
            assertThat(Keys.describe(root.getPublicKey())).isEqualTo("EC P-256");
            assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
            assertThat(root.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
            assertThat(root.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        }
        Path key = directory.resolve("ca.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(key)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(Files.readString(directory.resolve("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void reloadsTheSameCaAfterARestart() {
        X509Certificate first;
        X509Certificate device;
        try (CertificateAuthority ca = open()) {
            first = ca.trustAnchors().get(0);
            device = CaFixture.device(ca, "dev-1", "ns", Duration.ofDays(1)).certificate();
        }
        try (CertificateAuthority ca = open(Clock.systemUTC())) {
            assertThat(ca.trustAnchors()).containsExactly(first);
            assertThat(ca.issued(device)).isTrue();
            assertThat(CertificateChecks.isSignedBy(
                    CaFixture.device(ca, "dev-2", "ns", Duration.ofDays(1)).certificate(), first)).isTrue();
        }
    }

    @Test
    void concurrentFirstUsesAgreeOnOneCa() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<CertificateAuthority>> opened = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                opened.add(executor.submit((Callable<CertificateAuthority>) this::open));
            }
            Set<X509Certificate> anchors = new HashSet<>();
            for (Future<CertificateAuthority> future : opened) {
                try (CertificateAuthority ca = future.get()) {
                    anchors.addAll(ca.trustAnchors());
                }
            }
            assertThat(anchors).hasSize(1);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aKeyLeftWithoutCertificateIsCompletedNotReplaced() throws Exception {
        X509Certificate device;
        String key;
        try (CertificateAuthority ca = open()) {
            device = CaFixture.device(ca, "dev-1", "ns", Duration.ofDays(1)).certificate();
        }
        key = Files.readString(directory.resolve("ca.key"));
        Files.delete(directory.resolve("ca.crt"));

        try (CertificateAuthority ca = open()) {
            assertThat(Files.readString(directory.resolve("ca.key"))).isEqualTo(key);
            assertThat(ca.issued(device)).as("same name, same key: old certificates still verify").isTrue();
        }
    }

    @Test
    void aCertificateWithoutItsKeyIsAConfigurationError() throws Exception {
        open().close();
        Files.delete(directory.resolve("ca.key"));

        assertThatThrownBy(this::open)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ca.key is missing");
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsAConfigurationError() throws Exception {
        open().close();
        Files.writeString(directory.resolve("ca.key"), Pem.encodePrivateKey(Keys.generateEcP256().getPrivate()));

        assertThatThrownBy(this::open)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not belong to");
    }

    @Test
    void serialsAreRandomLargeAndDistinct() {
        try (CertificateAuthority ca = open()) {
            Set<BigInteger> serials = new HashSet<>();
            serials.add(ca.trustAnchors().get(0).getSerialNumber());
            for (int i = 0; i < 200; i++) {
                serials.add(ca.issueRegistration(Duration.ofDays(1)).certificate().getSerialNumber());
            }

            assertThat(serials).hasSize(201);
            assertThat(serials).allSatisfy(serial -> {
                assertThat(serial.signum()).isPositive();
                assertThat(serial.bitLength()).isGreaterThanOrEqualTo(64);
                // never a timestamp in seconds, milliseconds or nanoseconds
                assertThat(serial).isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE));
            });
            // random bits: about half of them are set, far from a counter's or a clock's pattern
            long ones = serials.stream().mapToLong(BigInteger::bitCount).sum();
            assertThat(ones / (double) (serials.size() * 126)).isBetween(0.45, 0.55);
        }
    }

    @Test
    void signsADeviceCsrWithTheSubjectItChooses() throws Exception {
        KeyPair deviceKey = Keys.generateEcP256();
        String csr = Csrs.create(deviceKey, "Somebody-Else");
        try (CertificateAuthority ca = open()) {
            X509Certificate device = ca.signDevice(csr, new CertificateSubject("Dev-1", "flotta-operator", "edge"),
                    Duration.ofDays(30));

            assertThat(device.getSubjectX500Principal())
                    .isEqualTo(new X500Principal("CN=dev-1,OU=edge,O=flotta-operator"));
            assertThat(device.getPublicKey()).isEqualTo(deviceKey.getPublic());
            assertThat(device.getIssuerX500Principal()).isEqualTo(ca.trustAnchors().get(0).getSubjectX500Principal());
            assertThat(device.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
            assertThat(device.getBasicConstraints()).isEqualTo(-1);
            assertThat(device.getSigAlgName()).isEqualTo("SHA256withECDSA");
            assertThat(device.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
            assertThat(device.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
            assertThat(ca.issued(device)).isTrue();
        }
    }

    @Test
    void acceptsTheCertificateLabelForACsr() {
        String csr = Csrs.create(Keys.generateEcP256(), "dev-1").replace("CERTIFICATE REQUEST", "CERTIFICATE");
        try (CertificateAuthority ca = open()) {
            X509Certificate device = ca.signDevice(csr, CertificateSubject.device("dev-1", "ns"), Duration.ofDays(1));

            assertThat(CertificateChecks.commonName(device)).contains("dev-1");
        }
    }

    @Test
    void acceptsRsa2048AndP384AndSignsWithItsOwnAlgorithm() throws Exception {
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        try (CertificateAuthority ca = open()) {
            for (KeyPair keyPair : List.of(rsa(2048), p384.generateKeyPair())) {
                X509Certificate device = ca.signDevice(Csrs.create(keyPair, "dev"),
                        CertificateSubject.device("dev", "ns"), Duration.ofDays(1));

                assertThat(device.getPublicKey()).isEqualTo(keyPair.getPublic());
                assertThat(device.getSigAlgName()).isEqualTo("SHA256withECDSA");
                assertThat(device.getKeyUsage()[2]).as("keyEncipherment only for RSA")
                        .isEqualTo(keyPair.getPublic().getAlgorithm().equals("RSA"));
            }
        }
    }

    @Test
    void refusesWeakOrUnsupportedKeys() throws Exception {
        KeyPairGenerator p521 = KeyPairGenerator.getInstance("EC");
        p521.initialize(new ECGenParameterSpec("secp521r1"));
        try (CertificateAuthority ca = open()) {
            assertInvalid(() -> ca.signDevice(Csrs.create(rsa(1024), "dev"), CertificateSubject.device("dev", "ns"),
                    Duration.ofDays(1)), "RSA 1024 bits");
            assertInvalid(() -> ca.signDevice(Csrs.create(p521.generateKeyPair(), "dev"),
                    CertificateSubject.device("dev", "ns"), Duration.ofDays(1)), "curve P-521");
            assertInvalid(() -> ca.signDevice(
                    Csrs.create(KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), "dev"),
                    CertificateSubject.device("dev", "ns"), Duration.ofDays(1)), "Ed25519");
        }
    }

    @Test
    void refusesACsrWhoseSignatureIsCorrupted() {
        byte[] der = Pem.readCsr(Csrs.create(Keys.generateEcP256(), "dev")).encoded();
        // the signature BIT STRING ends the structure: flip a bit in its last byte
        der[der.length - 1] ^= 0x01;
        String corrupted = Pem.encode("CERTIFICATE REQUEST", der);
        try (CertificateAuthority ca = open()) {
            assertInvalid(() -> ca.signDevice(corrupted, CertificateSubject.device("dev", "ns"), Duration.ofDays(1)),
                    "signature does not verify");
        }
    }

    @Test
    void refusesGarbageAndBadArguments() {
        try (CertificateAuthority ca = open()) {
            CertificateSubject subject = CertificateSubject.device("dev", "ns");
            String csr = Csrs.create(Keys.generateEcP256(), "dev");

            assertInvalid(() -> ca.signDevice("not pem", subject, Duration.ofDays(1)), "no PEM block");
            assertInvalid(() -> ca.signDevice(Pem.encode("CERTIFICATE REQUEST", new byte[] {0x30, 0x00}), subject,
                    Duration.ofDays(1)), "PKCS#10");
            assertInvalid(() -> ca.signDevice(csr, subject, Duration.ZERO), "validity must be positive");
            assertInvalid(() -> ca.signDevice(csr, subject, Duration.ofDays(-1)), "validity must be positive");
            assertInvalid(() -> ca.signDevice(csr, CertificateSubject.device("Register", "ns"), Duration.ofDays(1)),
                    "reserved");
            assertInvalid(() -> ca.issueServer(List.of(), List.of(), Duration.ofDays(1)), "at least one");
            assertInvalid(() -> ca.issueServer(List.of(), List.of("localhost"), Duration.ofDays(1)),
                    "not an IP address");
            assertInvalid(() -> ca.issueServer(List.of("bad name"), List.of(), Duration.ofDays(1)), "dnsNames");
        }
    }

    @Test
    void registrationCertificateIsForClientAuthWithCnRegister() throws Exception {
        try (CertificateAuthority ca = open()) {
            IssuedCredential registration = ca.issueRegistration(Duration.ofDays(365));

            assertThat(registration.certificate().getSubjectX500Principal()).isEqualTo(new X500Principal("CN=register"));
            assertThat(registration.certificate().getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
            assertThat(Keys.describe(registration.key())).isEqualTo("EC P-256");
            assertThat(Keys.matches(registration.key(), registration.certificate().getPublicKey())).isTrue();
            assertThat(registration.chain()).containsExactly(registration.certificate());
            // what goes into the device image: readable by the upstream agent
            assertThat(Pem.encodePrivateKey(registration.key())).startsWith("-----BEGIN EC PRIVATE KEY-----");
        }
    }

    @Test
    void serverCertificateNamesEveryAddress() throws Exception {
        try (CertificateAuthority ca = open()) {
            IssuedCredential server = ca.issueServer(List.of("localhost", "flotta.example"),
                    List.of("127.0.0.1", "::1"), Duration.ofDays(90));
            X509Certificate certificate = server.certificate();

            assertThat(certificate.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                    List.of(2, "localhost"), List.of(2, "flotta.example"),
                    List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
            assertThat(certificate.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
            assertThat(CertificateChecks.commonName(certificate)).contains("localhost");
        }
    }

    @Test
    void clientCertificateHasExactlyTheSubjectAsked() throws Exception {
        try (CertificateAuthority ca = open()) {
            IssuedCredential admin = ca.issueClient(new CertificateSubject("Admin", "ops", null), Duration.ofDays(1));

            assertThat(admin.certificate().getSubjectX500Principal()).isEqualTo(new X500Principal("CN=Admin,O=ops"));
            assertThat(admin.certificate().getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        }
    }

    @Test
    void issuedChecksTheSignatureOnly(@TempDir Path otherDirectory) throws Exception {
        X509Certificate expired;
        try (CertificateAuthority past = open(Clock.fixed(NOW.minus(Duration.ofDays(400)), ZoneOffset.UTC))) {
            expired = CaFixture.device(past, "dev-1", "ns", Duration.ofDays(1)).certificate();
        }
        try (CertificateAuthority ca = open();
             CertificateAuthority other = CaFixture.open(otherDirectory)) {
            assertThat(ca.issued(expired)).isTrue();
            assertThat(ca.issued(CaFixture.device(other, "dev-1", "ns", Duration.ofDays(1)).certificate())).isFalse();
            assertThat(ca.issued(other.trustAnchors().get(0))).isFalse();
        }
    }

    @Test
    void certificatesNeverOutliveTheCa() {
        try (CertificateAuthority ca = open()) {
            X509Certificate device = CaFixture.device(ca, "dev", "ns", Duration.ofDays(20_000)).certificate();

            assertThat(device.getNotAfter()).isEqualTo(ca.trustAnchors().get(0).getNotAfter());
        }
    }

    @Test
    void closedCaIssuesNothing() {
        CertificateAuthority ca = open();
        ca.close();

        assertThatThrownBy(() -> ca.issueRegistration(Duration.ofDays(1)))
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void providerIsRegisteredAndHonoursItsProperties() throws Exception {
        List<String> names = new ArrayList<>();
        for (CertificateAuthorityProvider provider : ServiceLoader.load(CertificateAuthorityProvider.class)) {
            names.add(provider.name());
        }
        assertThat(names).contains("embedded");

        CertificateAuthorityProvider provider = new EmbeddedCertificateAuthorityProvider();
        try (CertificateAuthority ca = provider.create(new ProviderConfig(directory,
                Map.of("ca.commonName", "Acme Edge CA", "ca.validity", "P30D", "ca.backdate", "PT1M")))) {
            X509Certificate root = ca.trustAnchors().get(0);
            assertThat(root.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=Acme Edge CA"));
            assertThat(Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()))
                    .isEqualTo(Duration.ofDays(30).plusMinutes(1));
        }
    }

    @Test
    void providerReportsBadSettings() {
        CertificateAuthorityProvider provider = new EmbeddedCertificateAuthorityProvider();

        assertThatThrownBy(() -> provider.create(new ProviderConfig(null, Map.of())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("directory");
        assertThatThrownBy(() -> provider.create(new ProviderConfig(directory, Map.of("ca.validity", "ten years"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ca.validity");
        assertThatThrownBy(() -> provider.create(new ProviderConfig(directory, Map.of("ca.backdate", "-PT1M"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ca.backdate");
        assertThatThrownBy(() -> provider.create(new ProviderConfig(directory, Map.of("ca.commonName", " "))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ca.commonName");
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call)
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((FlottaException) e).code()).isEqualTo(FlottaException.Code.INVALID_ARGUMENT));
    }

    static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }
}
