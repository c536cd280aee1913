package io.flotta.spi.ca;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * Issues every certificate of a Flotta installation.
 *
 * <p>Contract: thread-safe. Serial numbers are random (at least 64 bits). NotBefore is set a little
 * in the past for clock skew. Certificates are signed with the CA's own algorithm whatever the key
 * type they certify. Errors are {@link io.flotta.spi.FlottaException}s: {@code INVALID_ARGUMENT}
 * for a CSR that is malformed, has a bad signature or a weak or unsupported key.
 */
public interface CertificateAuthority extends AutoCloseable {

    /** The CA certificates a peer must trust, current first. Never empty. */
    List<X509Certificate> trustAnchors();

    /**
     * Signs a device's CSR (PEM, label {@code CERTIFICATE REQUEST} or {@code CERTIFICATE}). The
     * subject comes from {@code subject}, never from the CSR; the CSR's signature is verified.
     */
    X509Certificate signDevice(String csrPem, CertificateSubject subject, Duration validity);

    /** A fresh key and a client certificate with CN {@code register}, for device images. */
    IssuedCredential issueRegistration(Duration validity);

    /** A fresh key and a server certificate for the given DNS names and IP addresses. */
    IssuedCredential issueServer(List<String> dnsNames, List<String> ipAddresses, Duration validity);

    /** A fresh key and a client certificate with the given subject (admin clients, tests). */
    IssuedCredential issueClient(CertificateSubject subject, Duration validity);

    /** Whether {@code certificate} is signed by one of {@link #trustAnchors()}; ignores validity dates. */
    boolean issued(X509Certificate certificate);

    @Override
    void close();
}
