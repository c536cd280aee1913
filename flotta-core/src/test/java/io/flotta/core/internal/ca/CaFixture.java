package io.flotta.core.internal.ca;

import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Real embedded CAs for tests, with a clock of the test's choosing (to make expired certificates). */
public final class CaFixture {

    private CaFixture() {
    }

    /** The embedded CA kept in {@code directory} (created when absent), on the system clock. */
    public static CertificateAuthority open(Path directory) {
        return open(directory, Clock.systemUTC());
    }

    /** The embedded CA kept in {@code directory}, issuing certificates as if the time were {@code clock}'s. */
    public static CertificateAuthority open(Path directory, Clock clock) {
        return EmbeddedCertificateAuthority.open(directory, EmbeddedCertificateAuthority.Settings.defaults(), clock);
    }

    /** A device key pair and the certificate {@code ca} signs for it, as registration produces them. */
    public static IssuedCredential device(CertificateAuthority ca, KeyPair keyPair, String deviceId,
                                          String namespace, Duration validity) {
        String csr = Csrs.create(keyPair, deviceId);
        return new IssuedCredential(keyPair.getPrivate(),
                List.of(ca.signDevice(csr, CertificateSubject.device(deviceId, namespace), validity)));
    }

    /** A device with a fresh EC P-256 key. */
    public static IssuedCredential device(CertificateAuthority ca, String deviceId, String namespace,
                                          Duration validity) {
        return device(ca, Keys.generateEcP256(), deviceId, namespace, validity);
    }

    /** Closes {@code ca} and removes the directory it was kept in (flat, as the CA writes it). */
    public static void closeAndDelete(CertificateAuthority ca, Path directory) throws IOException {
        ca.close();
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }
}
