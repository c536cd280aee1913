package io.flotta.runtime.podman.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A workload turned into what podman needs: the {@code kube play} input and everything that must
 * exist on the host before it is played.
 *
 * @param name          the workload's (and pod's) name
 * @param manifest      the kube play input: the Pod, then its ConfigMaps, as YAML documents
 * @param hash          a hash of everything the pod is made from, also the pod's {@link Labels#HASH} label
 * @param hostPorts     the host ports its containers publish
 * @param podmanSecrets podman secrets to create: name → content in the form podman's kube play
 *                      reads for {@code secretKeyRef} (a JSON object of key → base64 value)
 * @param secretVolumes directories to fill with secret files, mounted in place of secret volumes
 * @param images        the images its containers run
 * @param restartPolicy the pod's restart policy (Always when the spec has none)
 * @param stopTimeout   how long containers get between SIGTERM and SIGKILL
 * @param registryAuth  the registry auth file's content, or null
 * @param dataDirectory the host directory mounted at /export
 */
public record RenderedWorkload(
        String name,
        String manifest,
        String hash,
        List<HostPort> hostPorts,
        Map<String, String> podmanSecrets,
        List<SecretVolume> secretVolumes,
        List<Image> images,
        String restartPolicy,
        Duration stopTimeout,
        String registryAuth,
        Path dataDirectory) {

    /** A secret volume's files, written by the runtime before the pod starts. */
    public record SecretVolume(Path directory, Map<String, byte[]> files, int mode) {
    }

    /** An image reference and the container's pull policy (empty when the spec sets none). */
    public record Image(String reference, String pullPolicy) {
    }
}
