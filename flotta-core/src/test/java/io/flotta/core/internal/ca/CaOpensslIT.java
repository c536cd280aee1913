package io.flotta.core.internal.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Openssl;
import io.flotta.core.pki.Pem;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CA issues, checked by another implementation: the openssl command line tool. */
class CaOpensslIT {

    @TempDir
    Path caDirectory;
    @TempDir
    Path work;

    private CertificateAuthority ca;
    private Openssl openssl;

    @BeforeEach
    void setUp() {
        ca = CaFixture.open(caDirectory);
        openssl = new Openssl(work);
        openssl.write("ca.crt", Pem.encodeCertificate(ca.trustAnchors().get(0)));
    }

    @AfterEach
    void tearDown() {
        ca.close();
    }

    @Test
    void opensslVerifiesTheCaItself() {
        String text = openssl.ok("x509", "-in", "ca.crt", "-noout", "-text");

        assertThat(text).contains("CA:TRUE").contains("Certificate Sign").contains("ecdsa-with-SHA256")
                .contains("NIST CURVE: P-256");
        assertThat(openssl.ok("verify", "-CAfile", "ca.crt", "ca.crt")).contains("ca.crt: OK");
        // the file the CA keeps is the same certificate
        assertThat(openssl.ok("x509", "-in", caDirectory.resolve("ca.crt").toString(), "-noout", "-fingerprint",
                "-sha256")).isEqualTo(openssl.ok("x509", "-in", "ca.crt", "-noout", "-fingerprint", "-sha256"));
        assertThat(openssl.run("ec", "-in", caDirectory.resolve("ca.key").toString(), "-check", "-noout").stderr())
                .contains("EC Key valid");
    }

    @Test
    void signsAnOpensslCsrWithItsOwnSubject() {
        openssl.ok("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "device.key", "-subj", "/CN=admin/O=system:masters/OU=kube-system", "-out", "device.csr");

        X509Certificate device = ca.signDevice(openssl.read("device.csr"),
                CertificateSubject.device("7F3A-Device", "edge-fleet"), Duration.ofDays(30));
        openssl.write("device.crt", Pem.encodeCertificate(device));

        assertThat(openssl.ok("verify", "-CAfile", "ca.crt", "device.crt")).contains("device.crt: OK");
        assertThat(openssl.ok("verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "device.crt"))
                .contains("device.crt: OK");
        assertThat(openssl.ok("x509", "-in", "device.crt", "-noout", "-subject").strip())
                .isEqualTo("subject=O = flotta-operator, OU = edge-fleet, CN = 7f3a-device");
        // the certificate certifies the key openssl made
        assertThat(openssl.ok("x509", "-in", "device.crt", "-noout", "-pubkey"))
                .isEqualTo(openssl.ok("pkey", "-in", "device.key", "-pubout"));
    }

    @Test
    void signsOurOwnCsr() {
        String csr = Csrs.create(Keys.generateEcP256(), "whatever-the-device-says");

        X509Certificate device = ca.signDevice(csr, CertificateSubject.device("dev-1", "ns"), Duration.ofDays(1));
        openssl.write("device.crt", Pem.encodeCertificate(device));

        assertThat(openssl.ok("verify", "-CAfile", "ca.crt", "device.crt")).contains("device.crt: OK");
        assertThat(openssl.ok("x509", "-in", "device.crt", "-noout", "-subject").strip())
                .isEqualTo("subject=O = flotta-operator, OU = ns, CN = dev-1");
    }

    @Test
    void signsAnRsa2048CsrWithEcdsa() {
        openssl.ok("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key", "-subj", "/CN=rsa-device",
                "-out", "rsa.csr");

        X509Certificate device = ca.signDevice(openssl.read("rsa.csr"), CertificateSubject.device("rsa-device", "ns"),
                Duration.ofDays(1));
        openssl.write("rsa.crt", Pem.encodeCertificate(device));

        assertThat(openssl.ok("verify", "-CAfile", "ca.crt", "rsa.crt")).contains("rsa.crt: OK");
        String text = openssl.ok("x509", "-in", "rsa.crt", "-noout", "-text");
        assertThat(text).contains("Signature Algorithm: ecdsa-with-SHA256").contains("Public-Key: (2048 bit)");
    }

    @Test
    void refusesAnOpensslRsa1024Csr() {
        openssl.ok("req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", "weak.key", "-subj", "/CN=weak",
                "-out", "weak.csr");

        assertThatThrownBy(() -> ca.signDevice(openssl.read("weak.csr"), CertificateSubject.device("weak", "ns"),
                Duration.ofDays(1)))
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining("RSA 1024 bits")
                .satisfies(e -> assertThat(((FlottaException) e).code()).isEqualTo(FlottaException.Code.INVALID_ARGUMENT));
    }

    @Test
    void refusesAnOpensslCsrWithACorruptedSignature() {
        openssl.ok("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "device.key", "-subj", "/CN=dev", "-outform", "DER", "-out", "device.der");
        byte[] der = readBytes(work.resolve("device.der"));
        der[der.length - 1] ^= 0x01;
        openssl.write("corrupted.csr", Pem.encode("CERTIFICATE REQUEST", der));
        // openssl agrees that the signature is broken (OpenSSL 3.0 says so but still exits with 0)
        assertThat(openssl.run("req", "-in", "corrupted.csr", "-verify", "-noout").stderr())
                .contains("self-signature verify failure");

        assertThatThrownBy(() -> ca.signDevice(openssl.read("corrupted.csr"), CertificateSubject.device("dev", "ns"),
                Duration.ofDays(1)))
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining("signature does not verify");
    }

    @Test
    void serverCertificateVerifiesForItsIpAndName() {
        IssuedCredential server = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        openssl.write("server.crt", Pem.encodeCertificate(server.certificate()));

        assertThat(openssl.ok("verify", "-CAfile", "ca.crt", "-purpose", "sslserver", "-verify_ip", "127.0.0.1",
                "server.crt")).contains("server.crt: OK");
        assertThat(openssl.ok("verify", "-CAfile", "ca.crt", "-purpose", "sslserver", "-verify_hostname",
                "localhost", "server.crt")).contains("server.crt: OK");
        assertThat(openssl.run("verify", "-CAfile", "ca.crt", "-verify_ip", "10.0.0.1", "server.crt").ok()).isFalse();
        // a server certificate is not a client certificate
        assertThat(openssl.run("verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "server.crt").ok()).isFalse();
    }

    @Test
    void registrationBundleIsReadableByOpenssl() {
        IssuedCredential registration = ca.issueRegistration(Duration.ofDays(365));
        openssl.write("register.crt", Pem.encodeCertificate(registration.certificate()));
        openssl.write("register.key", Pem.encodePrivateKey(registration.key()));

        assertThat(openssl.ok("x509", "-in", "register.crt", "-noout", "-subject").strip())
                .isEqualTo("subject=CN = register");
        assertThat(openssl.ok("x509", "-in", "register.crt", "-noout", "-pubkey"))
                .isEqualTo(openssl.ok("pkey", "-in", "register.key", "-pubout"));
        assertThat(openssl.ok("verify", "-CAfile", "ca.crt", "-purpose", "sslclient", "register.crt"))
                .contains("register.crt: OK");
    }

    private static byte[] readBytes(Path path) {
        try {
            return java.nio.file.Files.readAllBytes(path);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
