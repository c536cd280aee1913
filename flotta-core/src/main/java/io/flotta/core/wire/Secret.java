package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A secret the workloads use (swagger {@code secret}).
 *
 * @param name secret name
 * @param data the secret's data section as a JSON string
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Secret(
        @JsonProperty("name") String name,
        @JsonProperty("data") String data) {

    /** Keeps the data out of logs. */
    @Override
    public String toString() {
        return "Secret[name=" + name + ", data=" + (data == null ? null : "****") + "]";
    }
}
