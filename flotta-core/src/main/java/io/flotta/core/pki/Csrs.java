package io.flotta.core.pki;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.io.IOException;
import java.security.KeyPair;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Makes PKCS#10 certificate signing requests, as a device does when it registers or renews. */
public final class Csrs {

    private Csrs() {
    }

    /**
     * A PEM {@code CERTIFICATE REQUEST} for {@code keyPair} with subject {@code CN=commonName},
     * signed with the key (SHA-256 for P-256 and RSA, SHA-384 for P-384).
     */
    public static String create(KeyPair keyPair, String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        if (commonName.isBlank()) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "commonName must not be blank");
        }
        try {
            X500Principal subject = new X500Principal(
                    new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build().getEncoded());
            return create(keyPair, subject);
        } catch (IOException e) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "commonName cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** A PEM {@code CERTIFICATE REQUEST} for {@code keyPair} with the given subject. */
    public static String create(KeyPair keyPair, X500Principal subject) {
        Objects.requireNonNull(keyPair, "keyPair");
        Objects.requireNonNull(subject, "subject");
        try {
            ContentSigner signer = Signatures.signer(keyPair.getPrivate());
            byte[] der = new JcaPKCS10CertificationRequestBuilder(subject, keyPair.getPublic())
                    .build(signer)
                    .getEncoded();
            return Pem.encode(Pem.CERTIFICATE_REQUEST, der);
        } catch (OperatorCreationException | IOException | RuntimeException e) {
            throw new FlottaException(Code.INVALID_ARGUMENT,
                    "cannot sign a certificate request with " + Keys.describe(keyPair.getPrivate()) + ": "
                            + e.getMessage(), e);
        }
    }
}
