package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Registry credentials for a workload's images (swagger {@code image-registries}).
 *
 * @param authFile a {@code podman login} / {@code docker login} auth file ({@code authFile})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageRegistries(
        @JsonProperty("authFile") String authFile) {

    /** Keeps credentials out of logs. */
    @Override
    public String toString() {
        return "ImageRegistries[authFile=" + (authFile == null ? null : "****") + "]";
    }
}
