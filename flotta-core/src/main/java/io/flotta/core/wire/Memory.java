package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Memory sizes (swagger {@code memory}).
 *
 * @param physicalBytes installed memory
 * @param usableBytes   memory usable by the OS
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Memory(
        @JsonProperty("physical_bytes") Long physicalBytes,
        @JsonProperty("usable_bytes") Long usableBytes) {
}
