package io.flotta.runtime.podman.internal;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

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
 */
public record PodmanSettings(String binary, Path directory, Duration stopTimeout, Duration commandTimeout,
        String nft, String nftTable) {

    public PodmanSettings {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        nft = nft == null ? "" : nft;
        Objects.requireNonNull(nftTable, "nftTable");
    }

    public static PodmanSettings from(ProviderConfig config, String binaryKey, String stopTimeoutKey,
            String commandTimeoutKey, String nftKey, String nftTableKey) {
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
                config.property(nftTableKey, "flotta"));
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
