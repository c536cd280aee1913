package io.flotta.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.FlottaException;
import java.nio.file.Path;
import java.security.KeyPair;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsrsTest {

    @Test
    void requestCarriesTheCommonNameAndAValidSignature() {
        KeyPair keyPair = Keys.generateEcP256();

        String pem = Csrs.create(keyPair, "3b9a0f2e-device");
        Csr csr = Pem.readCsr(pem);

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n");
        assertThat(csr.subject()).isEqualTo(new X500Principal("CN=3b9a0f2e-device"));
        assertThat(csr.commonName()).contains("3b9a0f2e-device");
        assertThat(csr.publicKey()).isEqualTo(keyPair.getPublic());
        assertThat(csr.isSignatureValid()).isTrue();
    }

    @Test
    void rsaRequestsAreSignedToo() throws Exception {
        KeyPair keyPair = PemTest.rsa(2048);

        Csr csr = Pem.readCsr(Csrs.create(keyPair, "dev"));

        assertThat(csr.isSignatureValid()).isTrue();
        assertThat(Keys.describe(csr.publicKey())).isEqualTo("RSA 2048");
    }

    @Test
    void opensslAcceptsOurRequests(@TempDir Path directory) {
        Openssl openssl = new Openssl(directory);
        openssl.write("device.csr", Csrs.create(Keys.generateEcP256(), "dev-7"));

        Openssl.Result result = openssl.run("req", "-in", "device.csr", "-verify", "-noout", "-subject");

        assertThat(result.ok()).as(result.stderr()).isTrue();
        assertThat(result.stdout()).contains("subject=CN = dev-7");
        assertThat(result.stderr()).contains("self-signature verify OK");
    }

    @Test
    void aRequestSignedByAnotherKeyIsNotValid() throws Exception {
        KeyPair holder = Keys.generateEcP256();
        KeyPair claimed = Keys.generateEcP256();
        // the claimed public key with a signature from a different key: no proof of possession
        Csr forged = Pem.readCsr(Csrs.create(new KeyPair(claimed.getPublic(), holder.getPrivate()), "dev"));

        assertThat(forged.isSignatureValid()).isFalse();
    }

    @Test
    void blankCommonNameIsRefused() {
        assertThatThrownBy(() -> Csrs.create(Keys.generateEcP256(), " "))
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining("commonName");
    }
}
