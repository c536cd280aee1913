package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A device profile: named conditions evaluated on the device (swagger {@code profile}).
 *
 * @param name       profile name
 * @param conditions its conditions; upstream always writes the key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Profile(
        @JsonProperty("name") String name,
        @JsonProperty("conditions") @JsonInclude(JsonInclude.Include.ALWAYS) List<Condition> conditions) {

    public Profile {
        conditions = Copies.list(conditions);
    }

    /**
     * @param name       condition name
     * @param expression the expression
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Condition(
            @JsonProperty("name") String name,
            @JsonProperty("expression") String expression) {
    }
}
