package io.flotta.runtime.podman;

import io.flotta.runtime.podman.internal.PodmanSettings;
import io.flotta.runtime.podman.internal.PodmanWorkloadRuntime;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The {@code podman} workload runtime: each workload becomes a pod made with {@code podman kube
 * play}, its status comes from {@code podman events}, its host ports are opened in nftables.
 *
 * <p>Properties read from {@link ProviderConfig} (all optional); {@link ProviderConfig#directory()}
 * is required and holds secret volumes, registry auth files and default data directories.
 */
public final class PodmanRuntimeProvider implements WorkloadRuntimeProvider {

    /** The podman executable: a path, or a name looked up on PATH. Default {@code podman}. */
    public static final String BINARY = "podman.binary";
    /** Seconds between SIGTERM and SIGKILL when a pod stops, unless its spec sets terminationGracePeriodSeconds. Default 10. */
    public static final String STOP_TIMEOUT = "podman.stopTimeoutSeconds";
    /** The longest one podman command may run, e.g. a kube play that pulls large images. Default 600. */
    public static final String COMMAND_TIMEOUT = "podman.commandTimeoutSeconds";
    /** The nft executable used to open host ports, or {@code none} to leave the firewall alone. Default {@code nft}. */
    public static final String NFT = "podman.nft";
    /** The nftables table (family inet) holding our rules. Default {@code flotta}. */
    public static final String NFT_TABLE = "podman.nftTable";
    /**
     * Which pods are this runtime's: it labels the pods it makes with this value and lists, replaces
     * and removes no others. Default: a random id made once and kept in the runtime's directory, so
     * an agent restarted with the same directory adopts its pods, and two agents on one host (or an
     * agent and a test) never touch each other's.
     */
    public static final String OWNER = "podman.owner";

    private static final String DEFAULT_BINARY = "podman";

    @Override
    public String name() {
        return "podman";
    }

    @Override
    public boolean isAvailable() {
        return findExecutable(DEFAULT_BINARY) != null;
    }

    @Override
    public String unavailableReason() {
        return isAvailable() ? "" : "no podman executable on PATH (install podman, e.g. with scripts/setup-podman.sh)";
    }

    @Override
    public WorkloadRuntime create(ProviderConfig config) {
        return new PodmanWorkloadRuntime(PodmanSettings.from(config, BINARY, STOP_TIMEOUT, COMMAND_TIMEOUT, NFT, NFT_TABLE,
                OWNER));
    }

    /** Looks the name up like a shell would, without starting a process; null when not found. */
    static Path findExecutable(String name) {
        try {
            if (name.contains(File.separator)) {
                Path path = Path.of(name);
                return Files.isRegularFile(path) && Files.isExecutable(path) ? path : null;
            }
            String searchPath = System.getenv("PATH");
            if (searchPath == null) {
                return null;
            }
            for (String directory : searchPath.split(File.pathSeparator)) {
                if (directory.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(directory, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
            return null;
        } catch (InvalidPathException | SecurityException e) {
            return null;
        }
    }
}
