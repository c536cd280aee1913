/**
 * Object storage on S3 (AWS SDK for Java v2): {@link io.flotta.storage.s3.S3StorageProvider} (name
 * {@code s3}) creates an {@link io.flotta.storage.s3.S3ObjectStorage} that provisions a bucket per
 * device on the control plane and mirrors workload data directories into it on devices.
 * SDK types never appear in this package's signatures.
 */
package io.flotta.storage.s3;
