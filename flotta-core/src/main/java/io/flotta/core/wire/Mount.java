package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A mount (swagger {@code mount}): one to make in the configuration, one found in hardware info.
 *
 * @param device    what is mounted
 * @param directory where
 * @param type      file system type
 * @param options   mount options
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Mount(
        @JsonProperty("device") String device,
        @JsonProperty("directory") String directory,
        @JsonProperty("type") String type,
        @JsonProperty("options") String options) {
}
