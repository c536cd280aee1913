package io.flotta.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * Positive knowledge that a device was deleted: the certificates it held are revoked and, presented
 * on {@code control/in}, answered with {@code disconnect}. Kept after a re-registration of the same
 * id so the old certificates stay revoked.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Tombstone(
        @JsonProperty("deletedAt") Instant deletedAt,
        @JsonProperty("revokedSerials") List<String> revokedSerials) {

    public Tombstone {
        revokedSerials = revokedSerials == null ? List.of() : List.copyOf(revokedSerials);
    }
}
