package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A device node (swagger {@code host_device}). Upstream leaves out zero numbers, so an absent
 * {@code minor} (e.g. {@code /dev/tty}, 5:0) means 0.
 *
 * @param path       e.g. {@code /dev/null}
 * @param deviceType {@code c} or {@code b}
 * @param uid        owner
 * @param gid        group
 * @param major      major number
 * @param minor      minor number
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostDevice(
        @JsonProperty("path") String path,
        @JsonProperty("device_type") String deviceType,
        @JsonProperty("uid") Long uid,
        @JsonProperty("gid") Long gid,
        @JsonProperty("major") Long major,
        @JsonProperty("minor") Long minor) {
}
