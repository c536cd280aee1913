package io.flotta.spi.storage;

import java.net.URI;
import java.util.Objects;

/**
 * Where and how one device writes its data: an S3-style bucket and credentials.
 *
 * @param endpoint        the object store's URL
 * @param bucket          the device's bucket
 * @param region          the signing region
 * @param accessKeyId     credentials
 * @param secretAccessKey credentials
 * @param caBundle        PEM CA bundle for the endpoint's TLS, or empty
 */
public record BucketAccess(
        URI endpoint, String bucket, String region, String accessKeyId, String secretAccessKey, String caBundle) {

    public BucketAccess {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(bucket, "bucket");
        region = region == null ? "us-east-1" : region;
        caBundle = caBundle == null ? "" : caBundle;
    }

    @Override
    public String toString() {
        // never print the secret
        return "BucketAccess[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + "]";
    }
}
