package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Metrics of one device component (swagger {@code component-metrics-configuration}).
 *
 * @param interval  scrape interval, seconds
 * @param allowList which metrics to keep
 * @param disabled  true turns collection off
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComponentMetricsConfiguration(
        @JsonProperty("interval") Integer interval,
        @JsonProperty("allow_list") MetricsAllowList allowList,
        @JsonProperty("disabled") Boolean disabled) {
}
