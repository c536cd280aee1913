package io.flotta.core.internal.ca;

import io.flotta.core.pki.CertificateChecks;
import io.flotta.core.pki.Csr;
import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.util.IPAddress;

/**
 * The embedded CA: key and certificate in a directory (see {@link CaFiles}), certificates built by
 * {@link CertificateIssuer}. This class decides what may be signed and with which subject.
 */
public final class EmbeddedCertificateAuthority implements CertificateAuthority {

    /** CN of the registration (bootstrap) certificate shipped in device images. */
    public static final String REGISTRATION_COMMON_NAME = "register";

    static final int MIN_RSA_BITS = 2048;
    /** Verifying a CSR costs little, but an absurd modulus is a cheap way to make us work. */
    static final int MAX_RSA_BITS = 8192;
    /** About one entry per live device; a full cache starts over rather than tracking recency. */
    private static final int VERIFIED_CACHE_SIZE = 200_000;
    private static final Set<String> ACCEPTED_CURVES = Set.of("P-256", "P-384");

    /** How the CA is created when its directory is empty. */
    record Settings(String commonName, Duration caValidity, Duration backdate) {

        Settings {
            Objects.requireNonNull(commonName, "commonName");
            Objects.requireNonNull(caValidity, "caValidity");
            Objects.requireNonNull(backdate, "backdate");
        }

        static Settings defaults() {
            return new Settings(EmbeddedCertificateAuthorityProvider.DEFAULT_COMMON_NAME,
                    EmbeddedCertificateAuthorityProvider.DEFAULT_VALIDITY,
                    EmbeddedCertificateAuthorityProvider.DEFAULT_BACKDATE);
        }
    }

    private final CertificateIssuer issuer;
    private final List<X509Certificate> trustAnchors;
    /**
     * Certificates this CA signed in this process or already found to carry its signature (equal
     * by their whole encoding). The control plane checks each new device certificate once, right
     * after signing it; an ECDSA verification is a large part of a registration's cost. The answer
     * for a given certificate never changes (the anchors are fixed). Positive answers only, bounded.
     */
    private final Map<X509Certificate, Boolean> verified = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private EmbeddedCertificateAuthority(CertificateIssuer issuer) {
        this.issuer = issuer;
        this.trustAnchors = List.of(issuer.caCertificate());
    }

    /** Loads the CA kept in {@code directory}, creating it first when the directory holds none. */
    static EmbeddedCertificateAuthority open(Path directory, Settings settings, Clock clock) {
        SecureRandom random = new SecureRandom();
        CaFiles.Material material = CaFiles.loadOrCreate(directory, settings, clock, random);
        return new EmbeddedCertificateAuthority(
                new CertificateIssuer(material.key(), material.certificate(), clock, settings.backdate(), random));
    }

    @Override
    public List<X509Certificate> trustAnchors() {
        return trustAnchors;
    }

    /**
     * Signs the CSR after checking its signature and key (EC P-256, P-384 or RSA of 2048 to 8192
     * bits). The certificate's subject is {@code subject} with the CN lower-cased; it may
     * authenticate TLS clients only. The CN {@value #REGISTRATION_COMMON_NAME} is refused: a device
     * certificate must never pass for the registration certificate.
     */
    @Override
    public X509Certificate signDevice(String csrPem, CertificateSubject subject, Duration validity) {
        ensureOpen();
        Objects.requireNonNull(subject, "subject");
        requirePositive(validity);
        String deviceId = subject.commonName().toLowerCase(Locale.ROOT);
        if (REGISTRATION_COMMON_NAME.equals(deviceId)) {
            throw new FlottaException(Code.INVALID_ARGUMENT,
                    "subject.commonName '" + REGISTRATION_COMMON_NAME + "' is reserved for the registration certificate");
        }
        Csr csr = Pem.readCsr(csrPem);
        PublicKey key = csr.publicKey();
        requireAcceptedKey(key);
        if (!csr.isSignatureValid()) {
            throw new FlottaException(Code.INVALID_ARGUMENT,
                    "certificate request signature does not verify with its own public key");
        }
        CertificateSubject device = new CertificateSubject(deviceId, subject.organization(),
                subject.organizationalUnit());
        X509Certificate signed = issuer.issue(name(device), key, validity, CertificateIssuer.Usage.CLIENT, List.of());
        // the device presents it on its next connection: known without verifying our own signature
        remember(signed);
        return signed;
    }

    private void remember(X509Certificate certificate) {
        if (verified.size() >= VERIFIED_CACHE_SIZE) {
            verified.clear();
        }
        verified.put(certificate, Boolean.TRUE);
    }

    @Override
    public IssuedCredential issueRegistration(Duration validity) {
        return issueClient(new CertificateSubject(REGISTRATION_COMMON_NAME, null, null), validity);
    }

    /**
     * A fresh EC P-256 key and a server certificate naming every entry of {@code dnsNames} and
     * {@code ipAddresses} (IP literals; never resolved) as subject alternative names. The CN is the
     * first name given.
     */
    @Override
    public IssuedCredential issueServer(List<String> dnsNames, List<String> ipAddresses, Duration validity) {
        ensureOpen();
        Objects.requireNonNull(dnsNames, "dnsNames");
        Objects.requireNonNull(ipAddresses, "ipAddresses");
        requirePositive(validity);
        List<GeneralName> names = new ArrayList<>();
        for (String dnsName : dnsNames) {
            if (dnsName == null || dnsName.isBlank() || dnsName.chars().anyMatch(Character::isWhitespace)) {
                throw new FlottaException(Code.INVALID_ARGUMENT, "dnsNames holds an invalid name: '" + dnsName + "'");
            }
            names.add(new GeneralName(GeneralName.dNSName, dnsName));
        }
        for (String ipAddress : ipAddresses) {
            if (ipAddress == null || !IPAddress.isValid(ipAddress)) {
                throw new FlottaException(Code.INVALID_ARGUMENT,
                        "ipAddresses holds something that is not an IP address: '" + ipAddress + "'");
            }
            names.add(new GeneralName(GeneralName.iPAddress, ipAddress));
        }
        if (names.isEmpty()) {
            throw new FlottaException(Code.INVALID_ARGUMENT,
                    "a server certificate needs at least one entry in dnsNames or ipAddresses");
        }
        String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
        KeyPair keyPair = Keys.generateEcP256();
        X509Certificate certificate = issuer.issue(
                name(new CertificateSubject(commonName, null, null)), keyPair.getPublic(), validity,
                CertificateIssuer.Usage.SERVER, names);
        return new IssuedCredential(keyPair.getPrivate(), List.of(certificate));
    }

    /** A fresh EC P-256 key and a client certificate with exactly {@code subject}. */
    @Override
    public IssuedCredential issueClient(CertificateSubject subject, Duration validity) {
        ensureOpen();
        Objects.requireNonNull(subject, "subject");
        requirePositive(validity);
        KeyPair keyPair = Keys.generateEcP256();
        X509Certificate certificate = issuer.issue(
                name(subject), keyPair.getPublic(), validity, CertificateIssuer.Usage.CLIENT, List.of());
        return new IssuedCredential(keyPair.getPrivate(), List.of(certificate));
    }

    @Override
    public boolean issued(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        if (verified.containsKey(certificate)) {
            return true;
        }
        boolean ours = CertificateChecks.signedByAny(certificate, trustAnchors);
        if (ours) {
            remember(certificate);
        }
        return ours;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new FlottaException(Code.INTERNAL, "the certificate authority is closed");
        }
    }

    private static void requirePositive(Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "validity must be positive, was " + validity);
        }
    }

    private static void requireAcceptedKey(PublicKey key) {
        if (key instanceof ECKey) {
            String curve = Keys.ecCurve(key).orElse("explicit parameters");
            if (!ACCEPTED_CURVES.contains(curve)) {
                throw new FlottaException(Code.INVALID_ARGUMENT,
                        "certificate request key is EC on curve " + curve + "; only P-256 and P-384 are accepted");
            }
            return;
        }
        if (key instanceof RSAKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw new FlottaException(Code.INVALID_ARGUMENT, "certificate request key is RSA " + bits
                        + " bits; RSA keys must have " + MIN_RSA_BITS + " to " + MAX_RSA_BITS + " bits");
            }
            return;
        }
        throw new FlottaException(Code.INVALID_ARGUMENT, "certificate request key is " + Keys.describe(key)
                + "; only EC P-256, EC P-384 and RSA (at least " + MIN_RSA_BITS + " bits) are accepted");
    }

    /** O, OU, CN: the order Go's crypto/x509 writes them, so both sides print the same subject. */
    private static X500Name name(CertificateSubject subject) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        if (subject.organization() != null && !subject.organization().isBlank()) {
            builder.addRDN(BCStyle.O, subject.organization());
        }
        if (subject.organizationalUnit() != null && !subject.organizationalUnit().isBlank()) {
            builder.addRDN(BCStyle.OU, subject.organizationalUnit());
        }
        builder.addRDN(BCStyle.CN, subject.commonName());
        return builder.build();
    }
}
