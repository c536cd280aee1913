package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A workload's metrics endpoint (swagger {@code metrics}).
 *
 * @param path       HTTP path to scrape
 * @param port       port to scrape
 * @param allowList  which metrics to keep
 * @param interval   scrape interval, seconds
 * @param containers per-container overrides by container name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadMetrics(
        @JsonProperty("path") String path,
        @JsonProperty("port") Integer port,
        @JsonProperty("allow_list") MetricsAllowList allowList,
        @JsonProperty("interval") Integer interval,
        @JsonProperty("containers") Map<String, ContainerMetrics> containers) {

    public WorkloadMetrics {
        containers = Copies.map(containers);
    }
}
