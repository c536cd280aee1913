package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Content of a {@code registration} message (swagger {@code registration-info}).
 *
 * @param certificateRequest PEM certificate signing request for the device certificate
 * @param hardware           hardware information
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistrationInfo(
        @JsonProperty("certificate_request") String certificateRequest,
        @JsonProperty("hardware") HardwareInfo hardware) {
}
