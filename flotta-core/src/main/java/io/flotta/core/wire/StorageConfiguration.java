package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Where workload data is uploaded (swagger {@code storage-configuration}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageConfiguration(
        @JsonProperty("s3") S3StorageConfiguration s3) {
}
