package io.flotta.spi.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A workload as the device must run it: a Kubernetes pod spec plus what the runtime needs around it.
 *
 * @param name          unique on the device; the runtime names its pod after it
 * @param deviceId      injected into every container as {@code DEVICE_ID}
 * @param specification the pod spec (the {@code spec} of a Pod) as YAML or JSON text, as the
 *                      control plane sent it
 * @param labels        labels for the pod
 * @param annotations   annotations for the pod
 * @param configMaps    ConfigMap manifests (YAML or JSON) the pod refers to
 * @param secrets       Secret manifests (YAML or JSON) the pod refers to
 * @param registryAuth  a container registry auth file's content (JSON), or {@code null}
 * @param dataDirectory the host directory mounted at {@code /export} in every container
 */
public record Workload(
        String name,
        String deviceId,
        String specification,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<String> configMaps,
        List<String> secrets,
        String registryAuth,
        Path dataDirectory) {

    public Workload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(specification, "specification");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        configMaps = configMaps == null ? List.of() : List.copyOf(configMaps);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }
}
