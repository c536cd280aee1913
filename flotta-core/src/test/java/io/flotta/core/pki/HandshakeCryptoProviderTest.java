package io.flotta.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HandshakeCryptoProviderTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MESSAGE = "the transcript hash of a handshake".getBytes(StandardCharsets.UTF_8);

    @AfterEach
    void uninstall() {
        Security.removeProvider(HandshakeCryptoProvider.NAME);
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, SHA256withECDSA", "secp384r1, SHA384withECDSA", "secp256r1, SHA384withECDSA"})
    void signaturesAgreeWithTheJdksInBothDirections(String curve, String algorithm) throws Exception {
        KeyPair keys = SignaturesTest.jdkKeys(curve);

        Signature ours = Signature.getInstance(algorithm, new HandshakeCryptoProvider());
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
        Signature ours = Signature.getInstance("SHA256withECDSA", new HandshakeCryptoProvider());
        assertThatThrownBy(() -> ours.initVerify(rsaKeys.getPublic())).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> ours.initSign(rsaKeys.getPrivate())).isInstanceOf(InvalidKeyException.class);

        assertThat(HandshakeCryptoProvider.install()).isTrue();
        assertThat(HandshakeCryptoProvider.install()).isFalse();
        assertThat(Security.getProviders()[0].getName()).isEqualTo(HandshakeCryptoProvider.NAME);
        Signature any = Signature.getInstance("SHA256withECDSA");
        any.initVerify(SignaturesTest.jdkKeys("secp256r1").getPublic());
        assertThat(any.getProvider().getName()).isEqualTo(HandshakeCryptoProvider.NAME);
        Signature forRsa = Signature.getInstance("SHA256withRSA");
        forRsa.initSign(rsaKeys.getPrivate());
        forRsa.update(MESSAGE);
        assertThat(forRsa.sign()).isNotEmpty();
        assertThat(forRsa.getProvider().getName()).isNotEqualTo(HandshakeCryptoProvider.NAME);
    }

    @Test
    void x25519MatchesTheRfc7748Example() throws Exception {
        HandshakeCryptoProvider ours = new HandshakeCryptoProvider();
        KeyFactory keys = KeyFactory.getInstance("X25519", ours);
        PrivateKey alice = keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519,
                HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")));
        PublicKey bob = keys.generatePublic(new X509EncodedKeySpec(HEX.parseHex("302a300506032b656e032100"
                + "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")));

        KeyAgreement agreement = KeyAgreement.getInstance("XDH", ours);
        agreement.init(alice);
        agreement.doPhase(bob, true);
        assertThat(HEX.formatHex(agreement.generateSecret()))
                .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    }

    @Test
    void x25519AgreesWithTheJdksAndKeysTravelBetweenTheTwo() throws Exception {
        HandshakeCryptoProvider provider = new HandshakeCryptoProvider();
        KeyPairGenerator ourGenerator = KeyPairGenerator.getInstance("XDH", provider);
        ourGenerator.initialize(NamedParameterSpec.X25519);
        KeyPair ours = ourGenerator.generateKeyPair();
        KeyPairGenerator jdkGenerator = KeyPairGenerator.getInstance("XDH", "SunEC");
        jdkGenerator.initialize(NamedParameterSpec.X25519);
        KeyPair jdks = jdkGenerator.generateKeyPair();

        // as the TLS stack does: a key share travels as its u-coordinate and comes back through a spec
        KeyFactory jdkFactory = KeyFactory.getInstance("XDH", "SunEC");
        KeyFactory ourFactory = KeyFactory.getInstance("XDH", provider);
        PublicKey oursAtTheJdk = jdkFactory.generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, ((XECPublicKey) ours.getPublic()).getU()));
        PublicKey jdksAtOurs = ourFactory.generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, ((XECPublicKey) jdks.getPublic()).getU()));
        assertThat(oursAtTheJdk.getEncoded()).isEqualTo(ours.getPublic().getEncoded());
        assertThat(jdksAtOurs.getEncoded()).isEqualTo(jdks.getPublic().getEncoded());
        assertThat(ourFactory.generatePrivate(new PKCS8EncodedKeySpec(jdks.getPrivate().getEncoded())).getEncoded())
                .isEqualTo(jdks.getPrivate().getEncoded());

        KeyAgreement ourSide = KeyAgreement.getInstance("XDH", provider);
        ourSide.init(ours.getPrivate());
        ourSide.doPhase(jdksAtOurs, true);
        KeyAgreement jdkSide = KeyAgreement.getInstance("XDH", "SunEC");
        jdkSide.init(jdks.getPrivate());
        jdkSide.doPhase(oursAtTheJdk, true);
        byte[] secret = ourSide.generateSecret("TlsPremasterSecret").getEncoded();
        assertThat(secret).hasSize(32).isEqualTo(jdkSide.generateSecret("TlsPremasterSecret").getEncoded());
        // a JDK key works here too, and our keys work in the JDK's agreement
        ourSide.init(jdks.getPrivate());
        ourSide.doPhase(ours.getPublic(), true);
        assertThat(ourSide.generateSecret()).isEqualTo(secret);
        jdkSide.init(ours.getPrivate());
        jdkSide.doPhase(jdks.getPublic(), true);
        assertThat(jdkSide.generateSecret()).isEqualTo(secret);
    }

    @Test
    void x25519RefusesAPointOfSmallOrderAndLeavesX448ToTheJdk() throws Exception {
        HandshakeCryptoProvider provider = new HandshakeCryptoProvider();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("XDH", provider);
        KeyPair ours = generator.generateKeyPair();
        KeyAgreement agreement = KeyAgreement.getInstance("XDH", provider);
        agreement.init(ours.getPrivate());
        PublicKey zero = KeyFactory.getInstance("XDH", provider)
                .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.ZERO));
        assertThatThrownBy(() -> agreement.doPhase(zero, true)).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> generator.initialize(NamedParameterSpec.X448))
                .isInstanceOf(InvalidAlgorithmParameterException.class);

        assertThat(HandshakeCryptoProvider.install()).isTrue();
        KeyPairGenerator x448 = KeyPairGenerator.getInstance("XDH");
        x448.initialize(NamedParameterSpec.X448);
        KeyPair pair = x448.generateKeyPair();
        KeyAgreement any = KeyAgreement.getInstance("XDH");
        any.init(pair.getPrivate());
        any.doPhase(pair.getPublic(), true);
        assertThat(any.generateSecret()).hasSize(56);
        assertThat(any.getProvider().getName()).isNotEqualTo(HandshakeCryptoProvider.NAME);
        KeyAgreement forX25519 = KeyAgreement.getInstance("XDH");
        forX25519.init(ours.getPrivate());
        assertThat(forX25519.getProvider().getName()).isEqualTo(HandshakeCryptoProvider.NAME);
    }

    @Test
    void ecKeyPairsAreTheJdksKeysOnTheAskedCurveAndWorkInAnEcdhAgreement() throws Exception {
        KeyPairGenerator ours = KeyPairGenerator.getInstance("EC", new HandshakeCryptoProvider());
        ours.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair a = ours.generateKeyPair();
        KeyPair b = ours.generateKeyPair();
        assertThat(a.getPublic()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) a.getPublic()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(a.getPublic().getEncoded()).isNotEqualTo(b.getPublic().getEncoded());
        // what the TLS stack does with a secp256r1 share the server picked: ECDH through the JDK
        KeyAgreement one = KeyAgreement.getInstance("ECDH", "SunEC");
        one.init(a.getPrivate());
        one.doPhase(b.getPublic(), true);
        KeyAgreement other = KeyAgreement.getInstance("ECDH", "SunEC");
        other.init(b.getPrivate());
        other.doPhase(a.getPublic(), true);
        assertThat(one.generateSecret()).isEqualTo(other.generateSecret());

        ours.initialize(384);
        assertThat(((ECPublicKey) ours.generateKeyPair().getPublic()).getParams().getOrder().bitLength()).isEqualTo(384);
        assertThatThrownBy(() -> ours.initialize(new ECGenParameterSpec("secp256k1")))
                .isInstanceOf(InvalidAlgorithmParameterException.class);

        // the curve's parameters rather than its name, as the JDK's TLS stack passes them
        ECParameterSpec p256 = ((ECPublicKey) a.getPublic()).getParams();
        ours.initialize(p256);
        assertThat(((ECPublicKey) ours.generateKeyPair().getPublic()).getParams().getCurve()).isEqualTo(p256.getCurve());
        ECParameterSpec changed = new ECParameterSpec(p256.getCurve(), p256.getGenerator(), p256.getOrder().add(
                BigInteger.TWO), p256.getCofactor());
        assertThatThrownBy(() -> ours.initialize(changed)).isInstanceOf(InvalidAlgorithmParameterException.class);
    }

    @Test
    void mutualTlsHandshakesWorkWithTheProviderInstalled() throws Exception {
        assertThat(HandshakeCryptoProvider.install()).isTrue();
        TlsHandshakeBenchmark handshakes = new TlsHandshakeBenchmark();
        handshakes.crypto = "flotta";
        handshakes.setUp();
        try {
            assertThat(handshakes.mutualHandshake()).startsWith("TLS_");
            assertThat(handshakes.pairing().getSubjectX500Principal().getName()).contains("CN=dev-1");
        } finally {
            handshakes.tearDown();
        }
    }
}
