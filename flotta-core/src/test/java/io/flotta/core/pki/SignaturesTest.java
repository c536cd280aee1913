package io.flotta.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast EC path must agree with the JDK's provider in both directions. */
class SignaturesTest {

    private static final byte[] MESSAGE = "flotta".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1"})
    void generatedKeysAreTheJdksAndSignForIt(String curve) throws Exception {
        KeyPair keys = Signatures.generateEc(curve);

        assertThat(keys.getPrivate().getClass().getName()).startsWith("sun.security.ec.");
        assertThat(keys.getPublic().getClass().getName()).startsWith("sun.security.ec.");
        Signature jdk = Signature.getInstance(Keys.signatureAlgorithm(keys.getPrivate()));
        jdk.initSign(keys.getPrivate());
        jdk.update(MESSAGE);
        assertThat(jdkVerifies(keys.getPublic(), jdk.sign())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1"})
    void signaturesVerifyThroughTheJdk(String curve) throws Exception {
        KeyPair keys = jdkKeys(curve);
        ContentSigner signer = Signatures.signer(keys.getPrivate());
        signer.getOutputStream().write(MESSAGE);
        byte[] signature = signer.getSignature();

        assertThat(jdkVerifies(keys.getPublic(), signature)).isTrue();
        assertThat(jdkVerifies(jdkKeys(curve).getPublic(), signature)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1"})
    void requestsSignedByTheJdkVerifyAndTamperedOnesDoNot(String curve) throws Exception {
        KeyPair keys = jdkKeys(curve);
        byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=device"), keys.getPublic())
                .build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(keys.getPrivate())).build(keys.getPrivate()))
                .getEncoded();

        assertThat(Csr.fromDer(der).isSignatureValid()).isTrue();
        byte[] tampered = der.clone();
        tampered[tampered.length - 5] ^= 0x01;
        assertThat(Csr.fromDer(tampered).isSignatureValid()).isFalse();
    }

    @Test
    void pairsAreFoundByComputation() throws Exception {
        KeyPair p256 = Keys.generateEcP256();
        KeyPair p384 = jdkKeys("secp384r1");
        KeyPair rsa = PemTest.rsa(2048);

        assertThat(Signatures.pairedByComputation(p256.getPrivate(), p256.getPublic())).contains(true);
        assertThat(Signatures.pairedByComputation(p256.getPrivate(), Keys.generateEcP256().getPublic()))
                .contains(false);
        assertThat(Signatures.pairedByComputation(p256.getPrivate(), p384.getPublic())).contains(false);
        assertThat(Signatures.pairedByComputation(p384.getPrivate(), p384.getPublic())).contains(true);
        assertThat(Signatures.pairedByComputation(rsa.getPrivate(), rsa.getPublic())).contains(true);
        assertThat(Signatures.pairedByComputation(rsa.getPrivate(), PemTest.rsa(2048).getPublic())).contains(false);
    }

    private static boolean jdkVerifies(PublicKey key, byte[] signature) throws Exception {
        Signature jdk = Signature.getInstance(Keys.signatureAlgorithm(key));
        jdk.initVerify(key);
        jdk.update(MESSAGE);
        return jdk.verify(signature);
    }

    /** A key pair made by the JDK's own provider. */
    static KeyPair jdkKeys(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }
}
