package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OS upgrade state in a heartbeat (swagger {@code upgrade-status}).
 *
 * @param currentCommitId   the running OS commit ({@code current_commit_ID}; {@code unknown} when
 *                          the OS is not image-based)
 * @param lastUpgradeStatus {@code succeeded} or {@code failed}
 * @param lastUpgradeTime   when, as free text (a string, not a date-time, in the swagger)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpgradeStatus(
        @JsonProperty("current_commit_ID") String currentCommitId,
        @JsonProperty("last_upgrade_status") String lastUpgradeStatus,
        @JsonProperty("last_upgrade_time") String lastUpgradeTime) {
}
