package io.flotta.runtime.podman.internal;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ProviderConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The podman runtime's settings, read from {@link ProviderConfig} properties (see
 * {@link io.flotta.runtime.podman.PodmanRuntimeProvider} for the keys).
 *
 * @param binary         the podman executable
 * @param directory      a directory the runtime owns (secret volumes, auth files, default data directories)
 * @param stopTimeout    SIGTERM-to-SIGKILL time for pods whose spec sets no terminationGracePeriodSeconds
 * @param commandTimeout the longest a podman command (e.g. a kube play that pulls images) may take
 * @param nft            the nft executable, or empty to leave the firewall alone
 * @param nftTable       our table in the inet family
 * @param owner          labels every pod this runtime makes; it lists, replaces and removes only pods with
 *                       this owner. By default a random id kept in {@code directory}, so a restarted agent
 *                       with the same directory finds its pods and another agent on the host never sees them
 */
public record PodmanSettings(String binary, Path directory, Duration stopTimeout, Duration commandTimeout,
        String nft, String nftTable, String owner) {

    private static final String OWNER_FILE = "owner";
    /** A Kubernetes label value, which is what the owner becomes. */
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    public PodmanSettings {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        nft = nft == null ? "" : nft;
        Objects.requireNonNull(nftTable, "nftTable");
        Objects.requireNonNull(owner, "owner");
        if (!OWNER.matcher(owner).matches()) {
            throw new ConfigurationException("owner must be a label value (1-63 of A-Z a-z 0-9 - _ ., alphanumeric "
                    + "at both ends), got '" + owner + "'");
        }
    }

    public static PodmanSettings from(ProviderConfig config, String binaryKey, String stopTimeoutKey,
            String commandTimeoutKey, String nftKey, String nftTableKey, String ownerKey) {
        if (config.directory() == null) {
            throw new ConfigurationException("the podman runtime needs ProviderConfig.directory (it keeps secret "
                    + "volumes, registry auth files and default data directories there)");
        }
        String nft = config.property(nftKey, "nft");
        if ("none".equalsIgnoreCase(nft) || "false".equalsIgnoreCase(nft)) {
            nft = "";
        }
        return new PodmanSettings(
                config.property(binaryKey, "podman"),
                config.directory(),
                seconds(config, stopTimeoutKey, 10),
                seconds(config, commandTimeoutKey, 600),
                nft,
                config.property(nftTableKey, "flotta"),
                config.property(ownerKey).orElseGet(() -> storedOwner(config.directory())));
    }

    /** The owner id kept in the directory, made on first use; the file's content wins a creation race. */
    static String storedOwner(Path directory) {
        Path file = directory.resolve(OWNER_FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(directory);
                byte[] random = new byte[8];
                new SecureRandom().nextBytes(random);
                // written aside and moved in, so a reader never sees a half-written file
                Path fresh = Files.createTempFile(directory, OWNER_FILE, ".tmp");
                Files.writeString(fresh, HexFormat.of().formatHex(random) + "\n", StandardCharsets.UTF_8);
                try {
                    Files.move(fresh, file);
                } catch (FileAlreadyExistsException e) {
                    Files.deleteIfExists(fresh); // another runtime on the same directory made it first
                }
            }
            String owner = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (owner.isEmpty()) {
                throw new ConfigurationException(file + " is empty; delete it to make a new owner id");
            }
            return owner;
        } catch (IOException e) {
            throw new FlottaException(FlottaException.Code.INTERNAL, "cannot read or create the podman runtime's owner id in "
                    + file + ": " + e.getMessage(), e);
        }
    }

    private static Duration seconds(ProviderConfig config, String key, long defaultSeconds) {
        String value = config.property(key, Long.toString(defaultSeconds));
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds < 0) {
                throw new NumberFormatException("negative");
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + " must be a whole number of seconds, got '" + value + "'");
        }
    }
}
