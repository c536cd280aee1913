package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An event the device reports in a heartbeat (swagger {@code event-info}).
 *
 * @param reason  one-word subject
 * @param message description
 * @param type    {@code info} or {@code warn}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventInfo(
        @JsonProperty("reason") String reason,
        @JsonProperty("message") String message,
        @JsonProperty("type") String type) {

    public static final String TYPE_INFO = "info";
    public static final String TYPE_WARN = "warn";
}
