package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;

/**
 * One workload's state in a heartbeat (swagger {@code workload-status}).
 *
 * <p>{@code status} is free text: the swagger enumerates {@code deploying, running, crashed,
 * stopped} but upstream agents send podman's words ({@code Running}, {@code Created}, {@code Exited}…).
 *
 * @param name           workload name
 * @param status         its state, verbatim
 * @param lastDataUpload last successful data upload; {@code 0001-01-01T00:00:00.000Z} means never
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadStatus(
        @JsonProperty("name") String name,
        @JsonProperty("status") String status,
        @JsonProperty("last_data_upload")
        @JsonSerialize(using = WireTime.Serializer.class)
        @JsonDeserialize(using = WireTime.Deserializer.class)
        Instant lastDataUpload) {

    /** The zero time upstream agents send for "never uploaded". */
    public static final Instant NEVER = Instant.parse("0001-01-01T00:00:00Z");
}
