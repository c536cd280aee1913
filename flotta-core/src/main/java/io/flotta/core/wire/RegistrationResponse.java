package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Content of the answer to {@code registration} (swagger {@code registration-response}).
 *
 * @param certificate the signed device certificate, PEM
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistrationResponse(
        @JsonProperty("certificate") String certificate) {
}
