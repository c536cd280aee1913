package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OS image lifecycle (swagger {@code os-information}).
 *
 * @param commitId             the OS commit the device should run
 * @param hostedObjectsUrl     where the commits are served
 * @param automaticallyUpgrade upgrade without asking
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OsInformation(
        @JsonProperty("commit_id") String commitId,
        @JsonProperty("hosted_objects_url") String hostedObjectsUrl,
        @JsonProperty("automatically_upgrade") Boolean automaticallyUpgrade) {
}
