package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Content of an {@code enrolment} message (swagger {@code enrolment-info}).
 *
 * @param features        what the device is
 * @param targetNamespace namespace the device asks to join ({@code default} when absent)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnrolmentInfo(
        @JsonProperty("features") Features features,
        @JsonProperty("target_namespace") String targetNamespace) {

    public static final String DEFAULT_NAMESPACE = "default";

    /** {@code target_namespace} with its default applied. */
    public String targetNamespaceOrDefault() {
        return targetNamespace == null || targetNamespace.isEmpty() ? DEFAULT_NAMESPACE : targetNamespace;
    }

    /**
     * @param hardware  hardware information
     * @param modelName device model; camelCase {@code modelName} on the wire, unlike its neighbours
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Features(
            @JsonProperty("hardware") HardwareInfo hardware,
            @JsonProperty("modelName") String modelName) {
    }
}
