package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Metric names to collect (swagger {@code metrics-allow-list}); upstream always writes the key. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MetricsAllowList(
        @JsonProperty("names") List<String> names) {

    public MetricsAllowList {
        names = Copies.list(names);
    }
}
