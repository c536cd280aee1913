package io.flotta.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcdsaProviderTest {

    private static final byte[] MESSAGE = "the transcript hash of a handshake".getBytes(StandardCharsets.UTF_8);

    @AfterEach
    void uninstall() {
        Security.removeProvider(EcdsaProvider.NAME);
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, SHA256withECDSA", "secp384r1, SHA384withECDSA", "secp256r1, SHA384withECDSA"})
    void signaturesAgreeWithTheJdksInBothDirections(String curve, String algorithm) throws Exception {
        KeyPair keys = SignaturesTest.jdkKeys(curve);

        Signature ours = Signature.getInstance(algorithm, new EcdsaProvider());
        ours.initSign(keys.getPrivate());
        ours.update(MESSAGE);
        byte[] signedByUs = ours.sign();
        Signature jdk = Signature.getInstance(algorithm, "SunEC");
        jdk.initVerify(keys.getPublic());
        jdk.update(MESSAGE);
        assertThat(jdk.verify(signedByUs)).isTrue();

        jdk.initSign(keys.getPrivate());
        jdk.update(MESSAGE);
        byte[] signedByJdk = jdk.sign();
        ours.initVerify(keys.getPublic());
        ours.update(MESSAGE);
        assertThat(ours.verify(signedByJdk)).isTrue();

        // a changed message, a changed signature and bytes that are no signature are all refused
        ours.initVerify(keys.getPublic());
        ours.update("another transcript".getBytes(StandardCharsets.UTF_8));
        assertThat(ours.verify(signedByJdk)).isFalse();
        byte[] tampered = signedByJdk.clone();
        tampered[tampered.length - 1] ^= 1;
        ours.initVerify(keys.getPublic());
        ours.update(MESSAGE);
        assertThat(ours.verify(tampered)).isFalse();
        ours.initVerify(keys.getPublic());
        ours.update(MESSAGE);
        assertThat(ours.verify(new byte[] {1, 2, 3})).isFalse();
        // and a key that did not sign
        ours.initVerify(SignaturesTest.jdkKeys(curve).getPublic());
        ours.update(MESSAGE);
        assertThat(ours.verify(signedByJdk)).isFalse();
    }

    @Test
    void refusesKeysItDoesNotHandleSoTheJcaTakesTheNextProvider() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaKeys = rsa.generateKeyPair();
        Signature ours = Signature.getInstance("SHA256withECDSA", new EcdsaProvider());
        assertThatThrownBy(() -> ours.initVerify(rsaKeys.getPublic())).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> ours.initSign(rsaKeys.getPrivate())).isInstanceOf(InvalidKeyException.class);

        assertThat(EcdsaProvider.install()).isTrue();
        assertThat(EcdsaProvider.install()).isFalse();
        assertThat(Security.getProviders()[0].getName()).isEqualTo(EcdsaProvider.NAME);
        Signature any = Signature.getInstance("SHA256withECDSA");
        any.initVerify(SignaturesTest.jdkKeys("secp256r1").getPublic());
        assertThat(any.getProvider().getName()).isEqualTo(EcdsaProvider.NAME);
        Signature forRsa = Signature.getInstance("SHA256withRSA");
        forRsa.initSign(rsaKeys.getPrivate());
        forRsa.update(MESSAGE);
        assertThat(forRsa.sign()).isNotEmpty();
        assertThat(forRsa.getProvider().getName()).isNotEqualTo(EcdsaProvider.NAME);
    }

    @Test
    void mutualTlsHandshakesWorkWithTheProviderInstalled() throws Exception {
        assertThat(EcdsaProvider.install()).isTrue();
        TlsHandshakeBenchmark handshakes = new TlsHandshakeBenchmark();
        handshakes.ecdsa = "flotta";
        handshakes.setUp();
        try {
            assertThat(handshakes.mutualHandshake()).startsWith("TLS_");
            assertThat(handshakes.pairing().getSubjectX500Principal().getName()).contains("CN=dev-1");
        } finally {
            handshakes.tearDown();
        }
    }
}
