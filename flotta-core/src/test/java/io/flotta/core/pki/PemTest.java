package io.flotta.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.core.internal.ca.CaFixture;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {

    @TempDir
    static Path caDirectory;

    private static CertificateAuthority ca;
    private static IssuedCredential server;

    @BeforeAll
    static void createCa() {
        ca = CaFixture.open(caDirectory);
        server = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
    }

    @AfterAll
    static void closeCa() {
        ca.close();
    }

    @Test
    void certificateRoundTrips() {
        X509Certificate certificate = server.certificate();
        String pem = Pem.encodeCertificate(certificate);

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(pem.lines().filter(l -> !l.startsWith("-----"))).allMatch(l -> l.length() <= 64);
        assertThat(Pem.readCertificate(pem)).isEqualTo(certificate);
    }

    @Test
    void certificateListsRoundTripInOrder() {
        List<X509Certificate> chain = List.of(server.certificate(), ca.trustAnchors().get(0));
        String pem = Pem.encodeCertificates(chain);

        assertThat(Pem.readCertificates(pem)).containsExactlyElementsOf(chain);
        assertThat(Pem.readCertificate(pem)).as("the first one, the leaf").isEqualTo(server.certificate());
    }

    @Test
    void readingSkipsTextAndOtherBlocks() {
        String pem = "Certificate:\n    Data: whatever openssl x509 -text printed\n"
                + Pem.encodePrivateKey(server.key())
                + Pem.encodeCertificate(server.certificate())
                + "trailing words\n";

        assertThat(Pem.readCertificates(pem)).containsExactly(server.certificate());
        assertThat(Keys.matches(Pem.readPrivateKey(pem), server.certificate().getPublicKey())).isTrue();
    }

    @Test
    void ecKeyIsWrittenAsSec1WithCurveAndPublicPoint() throws Exception {
        KeyPair keyPair = Keys.generateEcP256();
        String pem = Pem.encodePrivateKey(keyPair.getPrivate());

        PemObject block = new PemReader(new java.io.StringReader(pem)).readPemObject();
        assertThat(block.getType()).isEqualTo("EC PRIVATE KEY");
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(block.getContent());
        // the upstream agent cannot read a SEC1 key that does not name its curve
        assertThat(sec1.getParametersObject()).isEqualTo(SECObjectIdentifiers.secp256r1);
        assertThat(sec1.getPublicKey()).isNotNull();
        assertThat(sec1.getKey()).isEqualTo(((ECPrivateKey) keyPair.getPrivate()).getS());

        PrivateKey read = Pem.readPrivateKey(pem);
        assertThat(read).isInstanceOf(ECPrivateKey.class);
        assertThat(((ECPrivateKey) read).getS()).isEqualTo(((ECPrivateKey) keyPair.getPrivate()).getS());
        assertThat(Keys.matches(read, keyPair.getPublic())).isTrue();
        assertThat(Keys.ecCurve(read)).contains("P-256");
    }

    @Test
    void p384KeyKeepsItsCurve() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        KeyPair keyPair = generator.generateKeyPair();

        PrivateKey read = Pem.readPrivateKey(Pem.encodePrivateKey(keyPair.getPrivate()));

        assertThat(Keys.ecCurve(read)).contains("P-384");
        assertThat(Keys.matches(read, keyPair.getPublic())).isTrue();
    }

    @Test
    void rsaKeyIsWrittenAsPkcs1() throws Exception {
        KeyPair keyPair = rsa(2048);
        String pem = Pem.encodePrivateKey(keyPair.getPrivate());

        PemObject block = new PemReader(new java.io.StringReader(pem)).readPemObject();
        assertThat(block.getType()).isEqualTo("RSA PRIVATE KEY");
        RSAPrivateKey pkcs1 = RSAPrivateKey.getInstance(block.getContent());
        assertThat(pkcs1.getModulus()).isEqualTo(((RSAPrivateCrtKey) keyPair.getPrivate()).getModulus());

        PrivateKey read = Pem.readPrivateKey(pem);
        assertThat(read).isInstanceOf(RSAPrivateCrtKey.class);
        assertThat(read.getEncoded()).isEqualTo(keyPair.getPrivate().getEncoded());
    }

    @Test
    void pkcs8KeysAreRead() throws Exception {
        KeyPair ec = Keys.generateEcP256();
        KeyPair rsa = rsa(2048);

        PrivateKey readEc = Pem.readPrivateKey(Pem.encode("PRIVATE KEY", ec.getPrivate().getEncoded()));
        PrivateKey readRsa = Pem.readPrivateKey(Pem.encode("PRIVATE KEY", rsa.getPrivate().getEncoded()));

        assertThat(Keys.matches(readEc, ec.getPublic())).isTrue();
        assertThat(readRsa.getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
    }

    @Test
    void keysMadeByOpensslAreRead(@TempDir Path directory) {
        Openssl openssl = new Openssl(directory);
        // SEC1 preceded by an EC PARAMETERS block
        openssl.ok("ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1.pem");
        // PKCS#8
        openssl.ok("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "pkcs8.pem");
        // PKCS#1
        openssl.ok("genrsa", "-traditional", "-out", "pkcs1.pem", "2048");

        assertThat(openssl.read("sec1.pem")).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
        assertThat(openssl.read("pkcs8.pem")).contains("BEGIN PRIVATE KEY");
        assertThat(openssl.read("pkcs1.pem")).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Keys.describe(Pem.readPrivateKey(openssl.read("sec1.pem")))).isEqualTo("EC P-256");
        assertThat(Keys.describe(Pem.readPrivateKey(openssl.read("pkcs8.pem")))).isEqualTo("EC P-384");
        assertThat(Keys.describe(Pem.readPrivateKey(openssl.read("pkcs1.pem")))).isEqualTo("RSA 2048");
    }

    @Test
    void opensslReadsTheKeysWeWrite(@TempDir Path directory) throws Exception {
        Openssl openssl = new Openssl(directory);
        KeyPair ec = Keys.generateEcP256();
        KeyPair rsa = rsa(2048);
        openssl.write("ec.pem", Pem.encodePrivateKey(ec.getPrivate()));
        openssl.write("rsa.pem", Pem.encodePrivateKey(rsa.getPrivate()));

        assertThat(openssl.run("ec", "-in", "ec.pem", "-check", "-noout").stderr()).contains("valid");
        assertThat(openssl.ok("pkey", "-in", "ec.pem", "-noout", "-text")).contains("NIST CURVE: P-256");
        assertThat(openssl.ok("rsa", "-in", "rsa.pem", "-check", "-noout")).contains("RSA key ok");
        // the public key openssl derives from our file is ours
        String publicPem = openssl.ok("pkey", "-in", "ec.pem", "-pubout");
        assertThat(publicPem).contains(Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(ec.getPublic().getEncoded()));
    }

    @Test
    void otherKeyTypesAreNotWrittenForDevices() throws Exception {
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        assertThatThrownBy(() -> Pem.encodePrivateKey(ed.getPrivate()))
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining("EdDSA")
                .extracting(e -> ((FlottaException) e).code()).isEqualTo(FlottaException.Code.INVALID_ARGUMENT);
    }

    @Test
    void encryptedKeysAreRefusedClearly() {
        String pkcs8 = Pem.encode("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00});
        String legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
                + "AAAA\n-----END RSA PRIVATE KEY-----\n";

        assertInvalid(() -> Pem.readPrivateKey(pkcs8), "encrypted");
        assertInvalid(() -> Pem.readPrivateKey(legacy), "encrypted");
    }

    @Test
    void csrIsReadUnderEitherLabel() {
        KeyPair keyPair = Keys.generateEcP256();
        String pem = Csrs.create(keyPair, "dev-1");
        String underCertificateLabel = pem.replace("CERTIFICATE REQUEST", "CERTIFICATE");

        for (String text : List.of(pem, underCertificateLabel)) {
            Csr csr = Pem.readCsr(text);
            assertThat(csr.commonName()).contains("dev-1");
            assertThat(csr.publicKey()).isEqualTo(keyPair.getPublic());
            assertThat(csr.isSignatureValid()).isTrue();
            assertThat(csr.toPem()).isEqualTo(pem);
        }
    }

    @Test
    void aCertificateIsNotACsr() {
        assertInvalid(() -> Pem.readCsr(Pem.encodeCertificate(server.certificate())), "PKCS#10");
    }

    @Test
    void errorsNameWhatWasWrong() {
        String certificatePem = Pem.encodeCertificate(server.certificate());

        assertInvalid(() -> Pem.readCertificate(""), "certificate PEM is empty");
        assertInvalid(() -> Pem.readCertificate(null), "certificate PEM is empty");
        assertInvalid(() -> Pem.readCertificate("just some text"), "no PEM block");
        assertInvalid(() -> Pem.readCertificate(Pem.encodePrivateKey(server.key())), "no CERTIFICATE block");
        assertInvalid(() -> Pem.readCertificate(Pem.encode("CERTIFICATE", new byte[] {1, 2, 3})),
                "certificate #1 in PEM is not a valid X.509 certificate");
        assertInvalid(() -> Pem.readCertificate(certificatePem.replace("\n-----END", "!!\n-----END")), "malformed");
        assertInvalid(() -> Pem.readPrivateKey(certificatePem), "no private key block");
        assertInvalid(() -> Pem.readPrivateKey(Pem.encode("EC PRIVATE KEY", new byte[] {0x30, 0x03, 2, 1, 1})),
                "EC PRIVATE KEY block");
        assertInvalid(() -> Pem.readPrivateKey(Pem.encode("RSA PRIVATE KEY", new byte[] {5, 0})),
                "RSA PRIVATE KEY block is not a valid private key");
        assertInvalid(() -> Pem.readCsr(certificatePem.replace("CERTIFICATE", "PRIVATE KEY")),
                "no CERTIFICATE REQUEST block");
    }

    @Test
    void sec1WithoutCurveIsRefused() throws Exception {
        BigInteger d = ((ECPrivateKey) Keys.generateEcP256().getPrivate()).getS();
        byte[] withoutCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d).getEncoded();

        assertInvalid(() -> Pem.readPrivateKey(Pem.encode("EC PRIVATE KEY", withoutCurve)), "does not name its curve");
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
