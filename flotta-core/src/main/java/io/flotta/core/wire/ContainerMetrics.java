package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Metrics settings of one container of a workload (swagger {@code container-metrics}).
 *
 * @param disabled true to skip this container
 * @param path     HTTP path to scrape
 * @param port     port to scrape
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerMetrics(
        @JsonProperty("disabled") Boolean disabled,
        @JsonProperty("path") String path,
        @JsonProperty("port") Integer port) {
}
