package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;

/**
 * State of one ansible playbook run in a heartbeat (upstream {@code playbook-execution-status}).
 *
 * @param name           the run's name
 * @param status         {@code Deploying}, {@code TargetVerification}, {@code Running},
 *                       {@code SuccessfullyCompleted} or {@code CompletedWithError}
 * @param lastDataUpload last data upload
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlaybookExecutionStatus(
        @JsonProperty("name") String name,
        @JsonProperty("status") String status,
        @JsonProperty("last_data_upload")
        @JsonSerialize(using = WireTime.Serializer.class)
        @JsonDeserialize(using = WireTime.Deserializer.class)
        Instant lastDataUpload) {
}
