package io.flotta.core.internal.ca;

import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.core.pki.SecureFiles;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the CA's key and certificate from a directory, creating them first when absent. A lock
 * file serialises creators, so two processes (or two instances in one JVM) sharing the directory
 * end up with the same CA.
 */
final class CaFiles {

    static final String CERTIFICATE_FILE = "ca.crt";
    static final String KEY_FILE = "ca.key";
    static final String LOCK_FILE = ".ca.lock";

    private static final Logger LOG = LoggerFactory.getLogger(CaFiles.class);
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(30);

    /** The CA's key and certificate. */
    record Material(PrivateKey key, X509Certificate certificate) {
    }

    private CaFiles() {
    }

    static Material loadOrCreate(Path directory, EmbeddedCertificateAuthority.Settings settings, Clock clock,
                                 SecureRandom random) {
        SecureFiles.createPrivateDirectory(directory);
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        Path keyFile = directory.resolve(KEY_FILE);
        try (FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lock(lockChannel, directory)) {
            boolean haveCertificate = Files.exists(certificateFile);
            boolean haveKey = Files.exists(keyFile);
            if (haveCertificate && haveKey) {
                return load(certificateFile, keyFile);
            }
            if (haveCertificate) {
                throw new ConfigurationException(certificateFile + " exists but " + keyFile
                        + " is missing: restore the CA key or remove both files to create a new CA");
            }
            return create(certificateFile, keyFile, haveKey, settings, clock, random);
        } catch (IOException e) {
            throw new FlottaException(Code.INTERNAL, "cannot use CA directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static FileLock lock(FileChannel channel, Path directory) throws IOException {
        long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException e) {
                // another instance in this JVM holds it; wait like for another process
            }
            if (System.nanoTime() > deadline) {
                throw new FlottaException(Code.UNAVAILABLE,
                        "CA directory " + directory + " stayed locked for " + LOCK_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FlottaException(Code.UNAVAILABLE, "interrupted while waiting for the CA lock", e);
            }
        }
    }

    private static Material load(Path certificateFile, Path keyFile) throws IOException {
        X509Certificate certificate;
        PrivateKey key;
        try {
            certificate = Pem.readCertificate(Files.readString(certificateFile, StandardCharsets.US_ASCII));
            key = Pem.readPrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
        } catch (FlottaException e) {
            throw new ConfigurationException("CA files in " + certificateFile.getParent() + " are unreadable: "
                    + e.getMessage(), e);
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new ConfigurationException(certificateFile + " is not a CA certificate (no CA basic constraints)");
        }
        if (!Keys.matches(key, certificate.getPublicKey())) {
            throw new ConfigurationException(keyFile + " does not belong to " + certificateFile);
        }
        warnIfExposed(keyFile);
        LOG.info("Loaded CA {} (serial {}, valid until {}) from {}", certificate.getSubjectX500Principal().getName(),
                certificate.getSerialNumber().toString(16), certificate.getNotAfter().toInstant(),
                certificateFile.getParent());
        return new Material(key, certificate);
    }

    /**
     * Writes the key before the certificate: a crash in between leaves a key alone, which the next
     * start completes with a certificate, rather than a certificate without its key.
     */
    private static Material create(Path certificateFile, Path keyFile, boolean keyExists,
                                   EmbeddedCertificateAuthority.Settings settings, Clock clock,
                                   SecureRandom random) throws IOException {
        KeyPair keyPair;
        if (keyExists) {
            PrivateKey key = readKey(keyFile);
            keyPair = new KeyPair(publicKeyOf(key, keyFile), key);
            LOG.warn("{} has no certificate; issuing a new CA certificate for it", keyFile);
        } else {
            keyPair = Keys.generateEcP256();
            SecureFiles.writePrivate(keyFile, Pem.encodePrivateKey(keyPair.getPrivate()));
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, settings.commonName()).build();
        X509Certificate certificate = CertificateIssuer.selfSigned(
                keyPair, subject, settings.caValidity(), clock, settings.backdate(), random);
        SecureFiles.writePublic(certificateFile, Pem.encodeCertificate(certificate));
        LOG.info("Created CA {} (valid until {}) in {}", certificate.getSubjectX500Principal().getName(),
                certificate.getNotAfter().toInstant(), certificateFile.getParent());
        return new Material(keyPair.getPrivate(), certificate);
    }

    private static PrivateKey readKey(Path keyFile) throws IOException {
        try {
            return Pem.readPrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
        } catch (FlottaException e) {
            throw new ConfigurationException(keyFile + " is unreadable: " + e.getMessage(), e);
        }
    }

    private static PublicKey publicKeyOf(PrivateKey key, Path keyFile) {
        try {
            return Keys.publicKeyOf(key);
        } catch (FlottaException e) {
            throw new ConfigurationException(keyFile + " holds a key whose public half cannot be derived ("
                    + e.getMessage() + "); remove it to create a new CA", e);
        }
    }

    private static void warnIfExposed(Path keyFile) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
            if (!SecureFiles.OWNER_ONLY.containsAll(permissions)) {
                LOG.warn("{} is readable by others (mode {}); it should be 0600", keyFile,
                        PosixFilePermissions.toString(permissions));
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot read the permissions of {}", keyFile, e);
        }
    }
}
