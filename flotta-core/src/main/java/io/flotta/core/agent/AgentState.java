package io.flotta.core.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.model.ModelJson;
import io.flotta.core.pki.Pem;
import io.flotta.core.pki.SecureFiles;
import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.ClientIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the agent keeps on disk so it survives restarts and outages: its device id, its device
 * certificate and key, and the last configuration it received. Every write is atomic (a crash leaves
 * the old or the new file, never a torn one); the key is written with mode 0600.
 */
final class AgentState {

    private static final String DEVICE_ID = "device-id";
    private static final String CERT = "device.pem";
    private static final String KEY = "device-key.pem";
    private static final String CONFIG = "configuration.json";

    private final Path directory;

    AgentState(Path directory) {
        this.directory = directory;
        SecureFiles.createPrivateDirectory(directory);
    }

    Path directory() {
        return directory;
    }

    Path dataDirectory(String workload) {
        return directory.resolve("data").resolve(workload);
    }

    Optional<String> deviceId() {
        return readString(DEVICE_ID).map(String::trim).filter(s -> !s.isEmpty());
    }

    void saveDeviceId(String id) {
        SecureFiles.writePrivate(directory.resolve(DEVICE_ID), id + "\n");
    }

    Optional<ClientIdentity> identity() {
        Optional<String> cert = readString(CERT);
        Optional<String> key = readString(KEY);
        if (cert.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ClientIdentity(Pem.readPrivateKey(key.get()), Pem.readCertificates(cert.get())));
    }

    /** Key first: a crash in between leaves the old certificate with a key that does not match, which
     * {@link #identity()} callers detect by the TLS failure and recover from by registering again. */
    void saveIdentity(ClientIdentity identity) {
        SecureFiles.writePrivate(directory.resolve(KEY), Pem.encodePrivateKey(identity.key()));
        SecureFiles.writePrivate(directory.resolve(CERT), Pem.encodeCertificates(identity.chain()));
    }

    Optional<JsonNode> configuration() {
        return readString(CONFIG).map(json -> {
            try {
                return ModelJson.mapper().readTree(json);
            } catch (IOException e) {
                throw new FlottaException(FlottaException.Code.INTERNAL, "stored configuration is unreadable", e);
            }
        });
    }

    void saveConfiguration(JsonNode content) {
        SecureFiles.writePrivate(directory.resolve(CONFIG), content.toString());
    }

    /** Forgets everything: the device was deleted by the control plane. */
    void wipe() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(directory)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new FlottaException(FlottaException.Code.INTERNAL, "cannot wipe agent state in " + directory, e);
        }
    }

    private Optional<String> readString(String name) {
        Path file = directory.resolve(name);
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new FlottaException(FlottaException.Code.INTERNAL, "cannot read " + file, e);
        }
    }
}
