package io.flotta.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.FlottaException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void generatesP256() {
        KeyPair keyPair = Keys.generateEcP256();

        assertThat(keyPair.getPublic()).isInstanceOf(ECPublicKey.class);
        assertThat(Keys.ecCurve(keyPair.getPublic())).contains("P-256");
        assertThat(Keys.ecCurve(keyPair.getPrivate())).contains("P-256");
        assertThat(Keys.describe(keyPair.getPrivate())).isEqualTo("EC P-256");
        assertThat(Keys.signatureAlgorithm(keyPair.getPrivate())).isEqualTo("SHA256withECDSA");
    }

    @Test
    void generatesAKeyLikeAnExistingOne() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair p384 = ec.generateKeyPair();
        KeyPair rsa = PemTest.rsa(3072);

        KeyPair likeP384 = Keys.generateLike(p384.getPrivate());
        KeyPair likeRsa = Keys.generateLike(rsa.getPrivate());
        KeyPair likeP256 = Keys.generateLike(Keys.generateEcP256().getPublic());

        assertThat(Keys.describe(likeP384.getPublic())).isEqualTo("EC P-384");
        assertThat(likeP384.getPublic()).isNotEqualTo(p384.getPublic());
        assertThat(((RSAPublicKey) likeRsa.getPublic()).getModulus().bitLength()).isEqualTo(3072);
        assertThat(likeRsa.getPublic()).isNotEqualTo(rsa.getPublic());
        assertThat(Keys.describe(likeP256.getPrivate())).isEqualTo("EC P-256");
        assertThat(Keys.signatureAlgorithm(p384.getPrivate())).isEqualTo("SHA384withECDSA");
        assertThat(Keys.signatureAlgorithm(rsa.getPrivate())).isEqualTo("SHA256withRSA");
    }

    @Test
    void refusesToImitateOtherKeyTypes() throws Exception {
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        assertThatThrownBy(() -> Keys.generateLike(ed.getPrivate()))
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining("only EC and RSA");
    }

    @Test
    void derivesThePublicKey() throws Exception {
        KeyPair ec = Keys.generateEcP256();
        KeyPair rsa = PemTest.rsa(2048);

        assertThat(Keys.publicKeyOf(ec.getPrivate())).isEqualTo(ec.getPublic());
        assertThat(Keys.publicKeyOf(rsa.getPrivate())).isEqualTo(rsa.getPublic());
        // after a trip through a SEC1 file, as a device keeps it
        assertThat(Keys.publicKeyOf(Pem.readPrivateKey(Pem.encodePrivateKey(ec.getPrivate()))))
                .isEqualTo(ec.getPublic());
    }

    @Test
    void matchesOnlyItsOwnHalf() throws Exception {
        KeyPair one = Keys.generateEcP256();
        KeyPair other = Keys.generateEcP256();
        KeyPair rsa = PemTest.rsa(2048);

        assertThat(Keys.matches(one.getPrivate(), one.getPublic())).isTrue();
        assertThat(Keys.matches(one.getPrivate(), other.getPublic())).isFalse();
        assertThat(Keys.matches(one.getPrivate(), rsa.getPublic())).isFalse();
        assertThat(Keys.matches(rsa.getPrivate(), rsa.getPublic())).isTrue();
    }
}
