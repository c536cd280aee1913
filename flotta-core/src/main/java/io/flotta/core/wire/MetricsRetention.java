package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Metric data retention on the device (swagger {@code metrics-retention}).
 *
 * @param maxMib   maximum size on disk, MiB
 * @param maxHours maximum age, hours
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricsRetention(
        @JsonProperty("max_mib") Integer maxMib,
        @JsonProperty("max_hours") Integer maxHours) {
}
