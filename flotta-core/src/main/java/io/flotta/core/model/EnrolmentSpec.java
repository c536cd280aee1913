package io.flotta.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An enrolment request ({@code EdgeDeviceSignedRequest} upstream); the resource's name is the device id.
 *
 * @param targetNamespace where the device will live
 * @param approved        whether it may register
 * @param features        what the device sent with its enrolment (hardware…)
 * @param requestTime     when it first asked
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnrolmentSpec(
        @JsonProperty("targetNamespace") String targetNamespace,
        @JsonProperty("approved") boolean approved,
        @JsonProperty("features") JsonNode features,
        @JsonProperty("requestTime") Instant requestTime) {

    public EnrolmentSpec approve() {
        return new EnrolmentSpec(targetNamespace, true, features, requestTime);
    }
}
