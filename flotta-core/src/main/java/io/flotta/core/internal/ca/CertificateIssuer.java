package io.flotta.core.internal.ca;

import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Signatures;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Builds and signs X.509 certificates with one CA key: random serials, NotBefore backdated, never
 * outliving the CA, signed with the CA key's own algorithm. Thread-safe.
 */
final class CertificateIssuer {

    /** What a leaf certificate is for. */
    enum Usage {
        CLIENT(KeyPurposeId.id_kp_clientAuth),
        SERVER(KeyPurposeId.id_kp_serverAuth);

        private final KeyPurposeId purpose;

        Usage(KeyPurposeId purpose) {
            this.purpose = purpose;
        }
    }

    private final PrivateKey caKey;
    private final X509Certificate caCertificate;
    private final Clock clock;
    private final Duration backdate;
    private final SecureRandom random;

    CertificateIssuer(PrivateKey caKey, X509Certificate caCertificate, Clock clock, Duration backdate,
                      SecureRandom random) {
        this.caKey = caKey;
        this.caCertificate = caCertificate;
        this.clock = clock;
        this.backdate = backdate;
        this.random = random;
    }

    /** A self-signed CA certificate for {@code keyPair} that may sign end-entity certificates only. */
    static X509Certificate selfSigned(KeyPair keyPair, X500Name subject, Duration validity, Clock clock,
                                      Duration backdate, SecureRandom random) {
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject, serial(random), Date.from(now.minus(backdate)), Date.from(now.plus(validity)),
                    subject, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            return sign(builder, keyPair.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new FlottaException(Code.INTERNAL, "cannot create the CA certificate: " + e.getMessage(), e);
        }
    }

    X509Certificate caCertificate() {
        return caCertificate;
    }

    /** A leaf certificate for {@code key}; {@code alternativeNames} may be empty. */
    X509Certificate issue(X500Name subject, PublicKey key, Duration validity, Usage usage,
                          List<GeneralName> alternativeNames) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        Instant caNotAfter = caCertificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        Instant notBefore = now.minus(backdate);
        if (!notAfter.isAfter(notBefore)) {
            throw new FlottaException(Code.CONFIGURATION,
                    "the CA certificate expired at " + caNotAfter + "; it cannot issue certificates");
        }
        int keyUsage = KeyUsage.digitalSignature;
        if (key instanceof RSAKey) {
            // TLS 1.2 RSA key exchange encrypts with the certificate's key
            keyUsage |= KeyUsage.keyEncipherment;
        }
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                    serial(random), Date.from(notBefore), Date.from(notAfter), subject, key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage.purpose))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(utils));
            if (!alternativeNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(alternativeNames.toArray(new GeneralName[0])));
            }
            return sign(builder, caKey);
        } catch (GeneralSecurityException | IOException e) {
            throw new FlottaException(Code.INTERNAL, "cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The CA's own subject key identifier when it has one, so that path builders matching the
     * two (OpenSSL does) find the CA even when it was made elsewhere with another method.
     */
    private AuthorityKeyIdentifier authorityKeyIdentifier(JcaX509ExtensionUtils utils) throws IOException {
        byte[] extension = caCertificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension != null) {
            SubjectKeyIdentifier identifier = SubjectKeyIdentifier.getInstance(
                    ASN1OctetString.getInstance(extension).getOctets());
            return new AuthorityKeyIdentifier(identifier.getKeyIdentifier());
        }
        return utils.createAuthorityKeyIdentifier(caCertificate.getPublicKey());
    }

    /** 127 bits, 126 of them random: positive, always 16 bytes in DER, far above the 64 required. */
    static BigInteger serial(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        bytes[0] &= 0x7f;
        bytes[0] |= 0x40;
        return new BigInteger(bytes);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(Signatures.signer(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + Keys.describe(key), e);
        }
    }
}
