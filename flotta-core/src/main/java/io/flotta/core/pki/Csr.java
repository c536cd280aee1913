package io.flotta.core.pki;

import io.flotta.spi.FlottaException;
import java.io.IOException;
import java.security.PublicKey;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A parsed PKCS#10 certificate signing request. Read one with {@link Pem#readCsr(String)}; make one
 * with {@link Csrs}. Immutable and thread-safe.
 */
public final class Csr {

    private final PKCS10CertificationRequest request;
    private final byte[] der;
    private final PublicKey publicKey;

    private Csr(PKCS10CertificationRequest request, byte[] der, PublicKey publicKey) {
        this.request = request;
        this.der = der;
        this.publicKey = publicKey;
    }

    static Csr fromDer(byte[] der) {
        PKCS10CertificationRequest request;
        try {
            request = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw Pem.invalid("certificate request is not a valid PKCS#10 structure: " + e.getMessage(), e);
        }
        PublicKey key;
        try {
            key = new JcaPEMKeyConverter().getPublicKey(request.getSubjectPublicKeyInfo());
        } catch (IOException | RuntimeException e) {
            throw Pem.invalid("certificate request holds a public key this JVM cannot read: " + e.getMessage(), e);
        }
        return new Csr(request, der.clone(), key);
    }

    /** The subject the requester asked for (a CA may ignore it). */
    public X500Principal subject() {
        try {
            return new X500Principal(request.getSubject().getEncoded());
        } catch (IOException | RuntimeException e) {
            throw Pem.invalid("certificate request subject cannot be read: " + e.getMessage(), e);
        }
    }

    /** The requested subject's common name, when it has exactly one. */
    public Optional<String> commonName() {
        return Names.single(request.getSubject(), org.bouncycastle.asn1.x500.style.BCStyle.CN);
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * Whether the request is signed by the private key of {@link #publicKey()}: proof that the
     * requester holds the key. False also when the signature algorithm is unknown to this JVM.
     */
    public boolean isSignatureValid() {
        try {
            return request.isSignatureValid(
                    new JcaContentVerifierProviderBuilder().build(publicKey));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            return false;
        }
    }

    /** The DER encoding. */
    public byte[] encoded() {
        return der.clone();
    }

    /** A {@code CERTIFICATE REQUEST} PEM block. */
    public String toPem() {
        return Pem.encode(Pem.CERTIFICATE_REQUEST, der);
    }

    @Override
    public String toString() {
        return "Csr[subject=" + request.getSubject() + ", key=" + Keys.describe(publicKey) + "]";
    }
}
