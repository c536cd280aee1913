package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Disk performance (swagger {@code io_perf}).
 *
 * @param syncDuration 99th percentile of fsync duration, ms
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IoPerf(
        @JsonProperty("sync_duration") Long syncDuration) {
}
