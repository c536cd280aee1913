package io.flotta.core.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.spi.FlottaException;
import io.flotta.spi.storage.BucketAccess;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A device's {@link BucketAccess} in the device configuration's {@code storage.s3} section, in the
 * upstream format: {@code bucket_host}, {@code bucket_port}, {@code bucket_name},
 * {@code bucket_region}, and {@code aws_access_key_id}, {@code aws_secret_access_key},
 * {@code aws_ca_bundle} base64-encoded, as the upstream operator writes them. Upstream agents always
 * speak HTTPS to {@code bucket_host:bucket_port}; for a plain-HTTP store (tests, a store on the
 * device's own network) the extension key {@code bucket_scheme: "http"} is added, which upstream
 * agents ignore.
 */
public final class StorageWire {

    public static final String SCHEME_EXTENSION = "bucket_scheme";

    private StorageWire() {
    }

    public static ObjectNode toWire(BucketAccess access) {
        URI endpoint = access.endpoint();
        boolean http = "http".equalsIgnoreCase(endpoint.getScheme());
        int port = endpoint.getPort() != -1 ? endpoint.getPort() : http ? 80 : 443;
        ObjectNode s3 = JsonNodeFactory.instance.objectNode();
        s3.put("bucket_host", endpoint.getHost());
        s3.put("bucket_port", port);
        s3.put("bucket_name", access.bucket());
        s3.put("bucket_region", access.region());
        s3.put("aws_access_key_id", encode(access.accessKeyId()));
        s3.put("aws_secret_access_key", encode(access.secretAccessKey()));
        if (!access.caBundle().isEmpty()) {
            s3.put("aws_ca_bundle", encode(access.caBundle()));
        }
        if (http) {
            s3.put(SCHEME_EXTENSION, "http");
        }
        return s3;
    }

    /**
     * The access in a {@code storage.s3} section; empty when there is none.
     *
     * @throws FlottaException {@code INVALID_ARGUMENT} naming the field when the section is malformed
     */
    public static Optional<BucketAccess> fromWire(JsonNode s3) {
        if (s3 == null || s3.isNull() || s3.isMissingNode() || !s3.isObject() || s3.isEmpty()) {
            return Optional.empty();
        }
        String host = required(s3, "bucket_host");
        String bucket = required(s3, "bucket_name");
        String scheme = "http".equalsIgnoreCase(s3.path(SCHEME_EXTENSION).asText("")) ? "http" : "https";
        int port = s3.path("bucket_port").asInt(0);
        if (port <= 0 || port > 65535) {
            port = scheme.equals("http") ? 80 : 443;
        }
        URI endpoint;
        try {
            endpoint = new URI(scheme, null, host, port, null, null, null);
        } catch (URISyntaxException e) {
            throw invalid("bucket_host", "is not a host name: " + host);
        }
        String region = s3.path("bucket_region").asText("");
        return Optional.of(new BucketAccess(endpoint, bucket, region.isEmpty() ? null : region,
                decode(s3, "aws_access_key_id"), decode(s3, "aws_secret_access_key"),
                s3.hasNonNull("aws_ca_bundle") ? decode(s3, "aws_ca_bundle") : ""));
    }

    private static String required(JsonNode s3, String field) {
        String value = s3.path(field).asText("");
        if (value.isBlank()) {
            throw invalid(field, "is required");
        }
        return value;
    }

    private static String encode(String value) {
        return value == null ? "" : Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(JsonNode s3, String field) {
        String value = s3.path(field).asText("");
        try {
            return new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(field, "must be base64");
        }
    }

    private static FlottaException invalid(String field, String problem) {
        return new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "storage.s3." + field + " " + problem);
    }
}
