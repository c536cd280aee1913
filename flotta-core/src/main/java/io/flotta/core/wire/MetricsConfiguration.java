package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Device metrics settings (swagger {@code metrics-configuration}).
 *
 * @param retention    how much metric data the device keeps
 * @param system       system (node-exporter) metrics
 * @param dataTransfer data-transfer metrics ({@code data-transfer})
 * @param receiver     remote-write receiver
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricsConfiguration(
        @JsonProperty("retention") MetricsRetention retention,
        @JsonProperty("system") ComponentMetricsConfiguration system,
        @JsonProperty("data-transfer") ComponentMetricsConfiguration dataTransfer,
        @JsonProperty("receiver") MetricsReceiverConfiguration receiver) {
}
