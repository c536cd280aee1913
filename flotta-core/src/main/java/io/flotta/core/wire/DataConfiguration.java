package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a workload's data transfer moves (swagger {@code data-configuration}); upstream always writes
 * both keys.
 *
 * @param ingress control plane storage to workload
 * @param egress  workload to control plane storage
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DataConfiguration(
        @JsonProperty("ingress") List<DataPath> ingress,
        @JsonProperty("egress") List<DataPath> egress) {

    public DataConfiguration {
        ingress = Copies.list(ingress);
        egress = Copies.list(egress);
    }
}
