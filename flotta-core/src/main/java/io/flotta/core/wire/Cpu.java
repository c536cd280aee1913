package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Processor information (swagger {@code cpu}).
 *
 * @param architecture e.g. {@code x86_64}
 * @param modelName    model name ({@code model_name})
 * @param count        number of logical CPUs
 * @param frequency    frequency, MHz
 * @param flags        CPU flags; upstream always writes the key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Cpu(
        @JsonProperty("architecture") String architecture,
        @JsonProperty("model_name") String modelName,
        @JsonProperty("count") Long count,
        @JsonProperty("frequency") Double frequency,
        @JsonProperty("flags") @JsonInclude(JsonInclude.Include.ALWAYS) List<String> flags) {

    public Cpu {
        flags = Copies.list(flags);
    }
}
