package io.flotta.core.pki;

import io.flotta.spi.FlottaException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A parsed PKCS#10 certificate signing request. Read one with {@link Pem#readCsr(String)}; make one
 * with {@link Csrs}. Immutable and thread-safe.
 */
public final class Csr {

    /** Signature algorithms without parameters, by OID, as the JDK names them. */
    private static final Map<ASN1ObjectIdentifier, String> JCA_SIGNATURES = Map.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
            X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA",
            PKCSObjectIdentifiers.sha256WithRSAEncryption, "SHA256withRSA",
            PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA",
            PKCSObjectIdentifiers.sha512WithRSAEncryption, "SHA512withRSA");

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
        String algorithm = JCA_SIGNATURES.get(request.getSignatureAlgorithm().getAlgorithm());
        if (algorithm == null) {
            return isSignatureValidByBouncyCastle();
        }
        try {
            Optional<ContentVerifierProvider> ec = Signatures.ecVerifier(publicKey);
            if (ec.isPresent()) {
                return request.isSignatureValid(ec.get());
            }
        } catch (PKCSException | RuntimeException e) {
            return false;
        }
        // One verification through the JDK. BouncyCastle's JCA verifier checks an ECDSA signature
        // twice (raw and digested).
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(request.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER));
            return verifier.verify(request.getSignature());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            return false;
        }
    }

    /** Algorithms with parameters (RSASSA-PSS) and anything unusual. */
    private boolean isSignatureValidByBouncyCastle() {
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
