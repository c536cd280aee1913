package io.flotta.examples.admin;

import io.flotta.core.pki.CertificateChecks;
import io.flotta.core.pki.Pem;
import io.flotta.core.pki.SecureFiles;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.ClientIdentity;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The credential of an administrator: a client certificate from the control plane's CA with CN
 * {@value #COMMON_NAME} and O {@value #ORGANIZATION}, its key, the CA certificates, and the admin
 * API's URL.
 *
 * <p>The certificate deliberately has no OU: the device API identifies devices by CN plus OU
 * (namespace), so it refuses this certificate (401) instead of treating it as a device. The admin
 * API in turn accepts only O {@value #ORGANIZATION}, which device ({@code flotta-operator}) and
 * registration certificates never carry.
 *
 * <p>On disk: {@code admin.pem}, {@code admin-key.pem} (mode 0600), {@code ca.pem} and
 * {@code admin-url} (one line).
 */
public record AdminCredentials(URI server, ClientIdentity identity, List<X509Certificate> caCertificates) {

    public static final String COMMON_NAME = "admin";
    public static final String ORGANIZATION = "flotta-admin";
    public static final String CERT_FILE = "admin.pem";
    public static final String KEY_FILE = "admin-key.pem";
    public static final String CA_FILE = "ca.pem";
    public static final String URL_FILE = "admin-url";

    public AdminCredentials {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(identity, "identity");
        caCertificates = List.copyOf(caCertificates);
        if (caCertificates.isEmpty()) {
            throw new IllegalArgumentException("caCertificates must not be empty");
        }
    }

    /** Issues a fresh admin certificate from {@code ca} for the admin API at {@code server}. */
    public static AdminCredentials issue(CertificateAuthority ca, URI server, Duration validity) {
        IssuedCredential credential = ca.issueClient(new CertificateSubject(COMMON_NAME, ORGANIZATION, null), validity);
        return new AdminCredentials(server, new ClientIdentity(credential.key(), credential.chain()), ca.trustAnchors());
    }

    /** Whether {@code certificate} says it belongs to an administrator (whoever signed it: check that separately). */
    public static boolean isAdmin(X509Certificate certificate) {
        return CertificateChecks.organizations(certificate).contains(ORGANIZATION)
                && CertificateChecks.organizationalUnits(certificate).isEmpty();
    }

    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            SecureFiles.writePublic(directory.resolve(CA_FILE), Pem.encodeCertificates(caCertificates));
            SecureFiles.writePublic(directory.resolve(CERT_FILE), Pem.encodeCertificates(identity.chain()));
            SecureFiles.writePrivate(directory.resolve(KEY_FILE), Pem.encodePrivateKey(identity.key()));
            SecureFiles.writePublic(directory.resolve(URL_FILE), server + "\n");
        } catch (IOException e) {
            throw new ConfigurationException("cannot write the admin credential to " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the credential in {@code directory}; {@code server} overrides the URL stored there (and
     * is needed when there is none).
     */
    public static AdminCredentials read(Path directory, URI server) {
        Path cert = directory.resolve(CERT_FILE);
        if (!Files.isRegularFile(cert)) {
            throw new ConfigurationException("no admin credential in " + directory.toAbsolutePath() + " (" + CERT_FILE
                    + " is missing): run `flotta server` there first, or point --admin-dir (or FLOTTA_ADMIN_DIR) "
                    + "at the data directory of the running server");
        }
        try {
            URI url = server;
            Path urlFile = directory.resolve(URL_FILE);
            if (url == null && Files.isRegularFile(urlFile)) {
                url = URI.create(Files.readString(urlFile).strip());
            }
            if (url == null) {
                throw new ConfigurationException("no admin API address: pass --server (or set FLOTTA_SERVER)");
            }
            List<X509Certificate> chain = Pem.readCertificates(Files.readString(cert));
            var key = Pem.readPrivateKey(Files.readString(directory.resolve(KEY_FILE)));
            List<X509Certificate> ca = Pem.readCertificates(Files.readString(directory.resolve(CA_FILE)));
            return new AdminCredentials(url, new ClientIdentity(key, chain), ca);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationException("cannot read the admin credential in " + directory.toAbsolutePath()
                    + " (expected " + CERT_FILE + ", " + KEY_FILE + ", " + CA_FILE + "): " + e.getMessage(), e);
        }
    }
}
