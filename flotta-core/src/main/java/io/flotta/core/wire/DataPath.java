package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A device-to-control-plane path mapping (swagger {@code data-path}).
 *
 * @param source path in the workload container
 * @param target path in the control plane storage
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataPath(
        @JsonProperty("source") String source,
        @JsonProperty("target") String target) {
}
