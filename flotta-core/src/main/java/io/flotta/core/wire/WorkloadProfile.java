package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A device profile a workload needs (swagger {@code workload-profile}).
 *
 * @param name       the profile's name
 * @param conditions names of the conditions that must hold; upstream always writes the key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadProfile(
        @JsonProperty("name") String name,
        @JsonProperty("conditions") @JsonInclude(JsonInclude.Include.ALWAYS) List<String> conditions) {

    public WorkloadProfile {
        conditions = Copies.list(conditions);
    }
}
