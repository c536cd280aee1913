package io.flotta.core.pki;

import io.flotta.spi.ca.CertificateSubject;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The certificate checks the control plane makes on a client's leaf certificate. Signature and
 * validity are separate questions on purpose: a device whose certificate expired must still be
 * recognised to renew it.
 */
public final class CertificateChecks {

    /** Where an instant lies relative to a certificate's validity period. */
    public enum Validity {
        NOT_YET_VALID,
        VALID,
        EXPIRED
    }

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    private CertificateChecks() {
    }

    /**
     * The anchor that signed {@code certificate}: its issuer name equals the anchor's subject and
     * the signature verifies with the anchor's key. Validity dates are not looked at.
     */
    public static Optional<X509Certificate> findIssuer(X509Certificate certificate,
                                                       Collection<X509Certificate> anchors) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(anchors, "anchors");
        for (X509Certificate anchor : anchors) {
            if (isSignedBy(certificate, anchor)) {
                return Optional.of(anchor);
            }
        }
        return Optional.empty();
    }

    /** Whether one of {@code anchors} signed {@code certificate}; ignores validity dates. */
    public static boolean signedByAny(X509Certificate certificate, Collection<X509Certificate> anchors) {
        return findIssuer(certificate, anchors).isPresent();
    }

    /** Whether {@code issuer} signed {@code certificate}; ignores validity dates. */
    public static boolean isSignedBy(X509Certificate certificate, X509Certificate issuer) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(issuer, "issuer");
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    public static Validity validity(X509Certificate certificate, Instant at) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(at, "at");
        if (at.isBefore(certificate.getNotBefore().toInstant())) {
            return Validity.NOT_YET_VALID;
        }
        if (at.isAfter(certificate.getNotAfter().toInstant())) {
            return Validity.EXPIRED;
        }
        return Validity.VALID;
    }

    public static Validity validity(X509Certificate certificate, Clock clock) {
        return validity(certificate, clock.instant());
    }

    /**
     * Whether {@code certificate} may authenticate a TLS client: not a CA, and its extended key
     * usage (when present) allows client authentication.
     */
    public static boolean allowsClientAuth(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        if (certificate.getBasicConstraints() >= 0) {
            return false;
        }
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages == null || usages.contains(CLIENT_AUTH) || usages.contains(ANY_EXTENDED_KEY_USAGE);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    /** The subject's common name when it has exactly one (two would make identity ambiguous). */
    public static Optional<String> commonName(X509Certificate certificate) {
        return Names.single(Names.of(certificate.getSubjectX500Principal()), BCStyle.CN);
    }

    /**
     * The subject as a {@link CertificateSubject}: the single CN, the first O and the first OU
     * (null when absent); empty without a single, non-blank CN.
     */
    public static Optional<CertificateSubject> subject(X509Certificate certificate) {
        List<String> organizations = organizations(certificate);
        List<String> units = organizationalUnits(certificate);
        return commonName(certificate)
                .filter(cn -> !cn.isBlank())
                .map(cn -> new CertificateSubject(cn,
                        organizations.isEmpty() ? null : organizations.get(0),
                        units.isEmpty() ? null : units.get(0)));
    }

    /** The subject's organizations (O), in order. */
    public static List<String> organizations(X509Certificate certificate) {
        return Names.all(Names.of(certificate.getSubjectX500Principal()), BCStyle.O);
    }

    /** The subject's organizational units (OU), in order. */
    public static List<String> organizationalUnits(X509Certificate certificate) {
        return Names.all(Names.of(certificate.getSubjectX500Principal()), BCStyle.OU);
    }
}
