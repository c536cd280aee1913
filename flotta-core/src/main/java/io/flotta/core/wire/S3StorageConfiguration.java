package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The device's bucket and credentials (swagger {@code s3-storage-configuration}).
 *
 * @param bucketHost         endpoint host
 * @param bucketPort         endpoint port
 * @param bucketName         bucket
 * @param bucketRegion       region
 * @param awsAccessKeyId     access key id
 * @param awsSecretAccessKey secret key
 * @param awsCaBundle        CA bundle to trust for the endpoint
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record S3StorageConfiguration(
        @JsonProperty("bucket_host") String bucketHost,
        @JsonProperty("bucket_port") Integer bucketPort,
        @JsonProperty("bucket_name") String bucketName,
        @JsonProperty("bucket_region") String bucketRegion,
        @JsonProperty("aws_access_key_id") String awsAccessKeyId,
        @JsonProperty("aws_secret_access_key") String awsSecretAccessKey,
        @JsonProperty("aws_ca_bundle") String awsCaBundle) {

    /** Keeps the secret key out of logs. */
    @Override
    public String toString() {
        return "S3StorageConfiguration[bucketHost=" + bucketHost + ", bucketPort=" + bucketPort
                + ", bucketName=" + bucketName + ", bucketRegion=" + bucketRegion
                + ", awsAccessKeyId=" + awsAccessKeyId
                + ", awsSecretAccessKey=" + (awsSecretAccessKey == null ? null : "****")
                + ", awsCaBundle=" + (awsCaBundle == null ? null : "(" + awsCaBundle.length() + " chars)") + "]";
    }
}
