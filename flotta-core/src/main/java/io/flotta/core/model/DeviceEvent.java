package io.flotta.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** An event a device reported (or the control plane raised about it), kept in the device's status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceEvent(
        @JsonProperty("time") Instant time,
        @JsonProperty("type") String type,
        @JsonProperty("reason") String reason,
        @JsonProperty("message") String message) {
}
