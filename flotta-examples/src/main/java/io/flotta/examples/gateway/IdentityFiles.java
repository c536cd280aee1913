package io.flotta.examples.gateway;

import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.ClientIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The gateway's certificate and key files, which its worker rewrites after registration. A change
 * is taken only once both files are readable and the key matches the certificate, so a reload
 * between the worker's two writes keeps the old identity.
 */
final class IdentityFiles {

    private final Path certFile;
    private final Path keyFile;
    private String loadedCert;
    private String loadedKey;
    private ClientIdentity loaded;

    IdentityFiles(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
    }

    /** The identity in the files now; fails when they are missing or unreadable. */
    synchronized ClientIdentity load() {
        return changed().orElseGet(() -> {
            if (loaded == null) {
                throw new ConfigurationException("no usable certificate and key in " + certFile + " and " + keyFile);
            }
            return loaded;
        });
    }

    /** The identity in the files if it changed since the last call and is complete. */
    synchronized Optional<ClientIdentity> changed() {
        String cert;
        String key;
        try {
            cert = Files.readString(certFile);
            key = Files.readString(keyFile);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (cert.equals(loadedCert) && key.equals(loadedKey)) {
            return Optional.empty();
        }
        Optional<ClientIdentity> identity = parse(cert, key);
        if (identity.isPresent()) {
            loadedCert = cert;
            loadedKey = key;
            loaded = identity.get();
        }
        return identity;
    }

    private static Optional<ClientIdentity> parse(String cert, String key) {
        try {
            ClientIdentity identity = new ClientIdentity(Pem.readPrivateKey(key), Pem.readCertificates(cert));
            return Keys.matches(identity.key(), identity.leaf().getPublicKey()) ? Optional.of(identity) : Optional.empty();
        } catch (FlottaException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
