package io.flotta.storage.s3;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the {@code s3} object storage. Build with {@link #builder()}, or read them from a
 * {@link ProviderConfig} with {@link #from(ProviderConfig)} (keys below).
 *
 * <p>The control-plane side needs {@code endpoint} and credentials; the device side needs only a
 * {@code stateDirectory}: its endpoint and credentials come with each
 * {@link io.flotta.spi.storage.BucketAccess}.
 *
 * @param endpoint           the S3 endpoint the control plane provisions buckets on; empty on devices
 * @param publicEndpoint     the endpoint handed to devices, when they reach the store by another
 *                           address than the control plane does; empty means {@code endpoint}
 * @param region             signing region
 * @param accessKeyId        the control plane's credentials (also handed to devices, see
 *                           {@link S3ObjectStorage#provision})
 * @param secretAccessKey    the control plane's credentials
 * @param caBundle           PEM certificates to trust for the endpoint's TLS, or empty for the JDK's
 * @param bucketPrefix       bucket names are {@code <prefix>-<namespace>-<device>}
 * @param deleteOnRelease    whether {@code release} deletes the device's objects and bucket
 * @param stateDirectory     where device-side sync manifests are kept
 * @param partSize           multipart part size, at least 8 MiB
 * @param multipartThreshold files of this size or more are uploaded in parts
 * @param maxAttempts        attempts per request before a sync pass gives up on the store
 * @param initialBackoff     first retry delay (doubles, with jitter)
 * @param maxBackoff         longest retry delay
 * @param requestTimeout     longest one HTTP request may take (a part upload included)
 */
public record S3StorageSettings(
        Optional<URI> endpoint,
        Optional<URI> publicEndpoint,
        String region,
        String accessKeyId,
        String secretAccessKey,
        String caBundle,
        String bucketPrefix,
        boolean deleteOnRelease,
        Path stateDirectory,
        long partSize,
        long multipartThreshold,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration requestTimeout) {

    /** The smallest part size we use; S3's own minimum is 5 MiB. */
    public static final long MIN_PART_SIZE = 8L << 20;

    public static final String ENDPOINT = "s3.endpoint";
    public static final String PUBLIC_ENDPOINT = "s3.publicEndpoint";
    public static final String REGION = "s3.region";
    public static final String ACCESS_KEY_ID = "s3.accessKeyId";
    public static final String SECRET_ACCESS_KEY = "s3.secretAccessKey";
    /** A PEM file with the CA certificates to trust for the endpoint. */
    public static final String CA_BUNDLE_FILE = "s3.caBundleFile";
    public static final String BUCKET_PREFIX = "s3.bucketPrefix";
    public static final String DELETE_ON_RELEASE = "s3.deleteOnRelease";
    public static final String PART_SIZE = "s3.partSizeBytes";
    public static final String MULTIPART_THRESHOLD = "s3.multipartThresholdBytes";
    public static final String MAX_ATTEMPTS = "s3.maxAttempts";
    public static final String INITIAL_BACKOFF = "s3.initialBackoffMillis";
    public static final String MAX_BACKOFF = "s3.maxBackoffMillis";
    public static final String REQUEST_TIMEOUT = "s3.requestTimeoutSeconds";

    public S3StorageSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(publicEndpoint, "publicEndpoint");
        region = region == null || region.isBlank() ? "us-east-1" : region;
        caBundle = caBundle == null ? "" : caBundle;
        Objects.requireNonNull(bucketPrefix, "bucketPrefix");
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        endpoint.ifPresent(u -> checkEndpoint("endpoint", u));
        publicEndpoint.ifPresent(u -> checkEndpoint("publicEndpoint", u));
        if (endpoint.isPresent() && (accessKeyId == null || accessKeyId.isBlank()
                || secretAccessKey == null || secretAccessKey.isBlank())) {
            throw new ConfigurationException("s3: accessKeyId and secretAccessKey are required with an endpoint");
        }
        if (!bucketPrefix.matches("[a-z0-9][a-z0-9-]{0,19}")) {
            throw new ConfigurationException("s3: bucketPrefix must be 1-20 lower-case letters, digits or '-', "
                    + "starting with a letter or digit; was '" + bucketPrefix + "'");
        }
        if (partSize < MIN_PART_SIZE || partSize > (5L << 30)) {
            throw new ConfigurationException("s3: partSize must be between 8 MiB and 5 GiB, was " + partSize);
        }
        if (multipartThreshold < partSize) {
            throw new ConfigurationException("s3: multipartThreshold must be at least partSize (" + partSize
                    + "), was " + multipartThreshold);
        }
        if (maxAttempts < 1) {
            throw new ConfigurationException("s3: maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new ConfigurationException("s3: backoff must satisfy 0 <= initialBackoff <= maxBackoff");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new ConfigurationException("s3: requestTimeout must be positive");
        }
    }

    private static void checkEndpoint(String field, URI uri) {
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new ConfigurationException("s3: " + field + " must be an http or https URL with a host, was " + uri);
        }
    }

    /** The endpoint devices are told to use. */
    public Optional<URI> deviceEndpoint() {
        return publicEndpoint.isPresent() ? publicEndpoint : endpoint;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().endpoint(endpoint.orElse(null)).publicEndpoint(publicEndpoint.orElse(null))
                .region(region).credentials(accessKeyId, secretAccessKey).caBundle(caBundle)
                .bucketPrefix(bucketPrefix).deleteOnRelease(deleteOnRelease).stateDirectory(stateDirectory)
                .partSize(partSize).multipartThreshold(multipartThreshold).maxAttempts(maxAttempts)
                .backoff(initialBackoff, maxBackoff).requestTimeout(requestTimeout);
    }

    /** Reads the {@code s3.*} properties; {@link ProviderConfig#directory()} becomes the state directory. */
    public static S3StorageSettings from(ProviderConfig config) {
        if (config.directory() == null) {
            throw new ConfigurationException("the s3 object storage needs ProviderConfig.directory "
                    + "(it keeps the upload manifests there)");
        }
        Builder b = builder().stateDirectory(config.directory());
        config.property(ENDPOINT).filter(s -> !s.isBlank()).ifPresent(s -> b.endpoint(uri(ENDPOINT, s)));
        config.property(PUBLIC_ENDPOINT).filter(s -> !s.isBlank()).ifPresent(s -> b.publicEndpoint(uri(PUBLIC_ENDPOINT, s)));
        config.property(REGION).ifPresent(b::region);
        b.credentials(config.property(ACCESS_KEY_ID, null), config.property(SECRET_ACCESS_KEY, null));
        config.property(CA_BUNDLE_FILE).filter(s -> !s.isBlank()).ifPresent(file -> {
            try {
                b.caBundle(java.nio.file.Files.readString(Path.of(file)));
            } catch (java.io.IOException | RuntimeException e) {
                throw new ConfigurationException("s3: cannot read " + CA_BUNDLE_FILE + " " + file + ": " + e.getMessage(), e);
            }
        });
        config.property(BUCKET_PREFIX).ifPresent(b::bucketPrefix);
        config.property(DELETE_ON_RELEASE).ifPresent(s -> b.deleteOnRelease(Boolean.parseBoolean(s.trim())));
        config.property(PART_SIZE).ifPresent(s -> b.partSize(number(PART_SIZE, s)));
        config.property(MULTIPART_THRESHOLD).ifPresent(s -> b.multipartThreshold(number(MULTIPART_THRESHOLD, s)));
        config.property(MAX_ATTEMPTS).ifPresent(s -> b.maxAttempts((int) number(MAX_ATTEMPTS, s)));
        Duration initial = config.property(INITIAL_BACKOFF).map(s -> Duration.ofMillis(number(INITIAL_BACKOFF, s)))
                .orElse(b.initialBackoff);
        Duration max = config.property(MAX_BACKOFF).map(s -> Duration.ofMillis(number(MAX_BACKOFF, s)))
                .orElse(b.maxBackoff);
        b.backoff(initial, max);
        config.property(REQUEST_TIMEOUT).ifPresent(s -> b.requestTimeout(Duration.ofSeconds(number(REQUEST_TIMEOUT, s))));
        return b.build();
    }

    private static URI uri(String key, String value) {
        try {
            return URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("s3: " + key + " is not a URL: " + value, e);
        }
    }

    private static long number(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("s3: " + key + " must be a whole number, was '" + value + "'", e);
        }
    }

    @Override
    public String toString() {
        // never print the secret
        return "S3StorageSettings[endpoint=" + endpoint + ", publicEndpoint=" + publicEndpoint + ", region=" + region
                + ", accessKeyId=" + accessKeyId + ", bucketPrefix=" + bucketPrefix + ", partSize=" + partSize
                + ", multipartThreshold=" + multipartThreshold + ", maxAttempts=" + maxAttempts + "]";
    }

    /** Builds {@link S3StorageSettings}; defaults: 8 MiB parts from 16 MiB on, 8 attempts, 0.5–30 s backoff. */
    public static final class Builder {
        private URI endpoint;
        private URI publicEndpoint;
        private String region = "us-east-1";
        private String accessKeyId;
        private String secretAccessKey;
        private String caBundle = "";
        private String bucketPrefix = "flotta";
        private boolean deleteOnRelease;
        private Path stateDirectory;
        private long partSize = MIN_PART_SIZE;
        private long multipartThreshold = 2 * MIN_PART_SIZE;
        private int maxAttempts = 8;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofMinutes(5);

        private Builder() {
        }

        public Builder endpoint(URI value) {
            this.endpoint = value;
            return this;
        }

        public Builder publicEndpoint(URI value) {
            this.publicEndpoint = value;
            return this;
        }

        public Builder region(String value) {
            this.region = value;
            return this;
        }

        public Builder credentials(String accessKeyIdValue, String secretAccessKeyValue) {
            this.accessKeyId = accessKeyIdValue;
            this.secretAccessKey = secretAccessKeyValue;
            return this;
        }

        public Builder caBundle(String pem) {
            this.caBundle = pem;
            return this;
        }

        public Builder bucketPrefix(String value) {
            this.bucketPrefix = value;
            return this;
        }

        public Builder deleteOnRelease(boolean value) {
            this.deleteOnRelease = value;
            return this;
        }

        public Builder stateDirectory(Path value) {
            this.stateDirectory = value;
            return this;
        }

        public Builder partSize(long bytes) {
            this.partSize = bytes;
            return this;
        }

        public Builder multipartThreshold(long bytes) {
            this.multipartThreshold = bytes;
            return this;
        }

        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        public S3StorageSettings build() {
            return new S3StorageSettings(Optional.ofNullable(endpoint), Optional.ofNullable(publicEndpoint), region,
                    accessKeyId, secretAccessKey, caBundle, bucketPrefix, deleteOnRelease, stateDirectory, partSize,
                    multipartThreshold, maxAttempts, initialBackoff, maxBackoff, requestTimeout);
        }
    }
}
