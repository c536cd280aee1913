package io.flotta.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.spi.FlottaException;
import java.util.List;
import java.util.Map;

/**
 * The desired state of an {@code EdgeDeployment}, in the shape of upstream's CRD spec: a pod spec
 * placed on one named device ({@code device}) or on every device a {@code deviceSelector} matches.
 *
 * @param device          the one device to run on, or null
 * @param deviceSelector  the devices to run on, or null
 * @param type            the workload type; only {@code pod}
 * @param pod             {@code {"spec": <Kubernetes PodSpec>}}
 * @param labels          labels for the pod on the device
 * @param annotations     annotations for the pod ({@code podman/} prefixed ones reach podman)
 * @param data            data upload settings ({@code {"paths":[{"source","target"}]}}), or null
 * @param imageRegistries registry settings ({@code {"authFile": "..."}}), or null
 * @param configMaps      ConfigMap manifests the pod refers to
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeploymentSpec(
        @JsonProperty("device") String device,
        @JsonProperty("deviceSelector") LabelSelector deviceSelector,
        @JsonProperty("type") String type,
        @JsonProperty("pod") JsonNode pod,
        @JsonProperty("labels") Map<String, String> labels,
        @JsonProperty("annotations") Map<String, String> annotations,
        @JsonProperty("data") JsonNode data,
        @JsonProperty("imageRegistries") JsonNode imageRegistries,
        @JsonProperty("configMaps") List<JsonNode> configMaps) {

    public DeploymentSpec {
        type = type == null ? "pod" : type;
    }

    public boolean targets(String deviceName, Map<String, String> deviceLabels) {
        if (device != null && !device.isEmpty()) {
            return device.equals(deviceName);
        }
        return deviceSelector != null && deviceSelector.matches(deviceLabels);
    }

    /** Throws INVALID_ARGUMENT naming the field when the spec cannot be deployed. */
    public DeploymentSpec validated() {
        if (!"pod".equals(type)) {
            throw invalid("spec.type must be pod, was " + type);
        }
        if ((device == null || device.isEmpty()) && deviceSelector == null) {
            throw invalid("spec.device or spec.deviceSelector must be set");
        }
        if (deviceSelector != null) {
            deviceSelector.validated();
        }
        if (pod == null || !pod.path("spec").isObject()) {
            throw invalid("spec.pod.spec must be a pod spec object");
        }
        JsonNode containers = pod.path("spec").path("containers");
        if (!containers.isArray() || containers.isEmpty()) {
            throw invalid("spec.pod.spec.containers must list at least one container");
        }
        for (int i = 0; i < containers.size(); i++) {
            JsonNode c = containers.get(i);
            if (c.path("name").asText("").isEmpty()) {
                throw invalid("spec.pod.spec.containers[" + i + "].name must be set");
            }
            if (c.path("image").asText("").isEmpty()) {
                throw invalid("spec.pod.spec.containers[" + i + "].image must be set");
            }
        }
        return this;
    }

    private static FlottaException invalid(String message) {
        return new FlottaException(FlottaException.Code.INVALID_ARGUMENT, message);
    }
}
