package io.flotta.storage.s3.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Bucket names for devices: {@code <prefix>-<namespace>-<device>}, made valid for S3 (3–63 lower-case
 * letters, digits and hyphens). Names that would be too long or lose characters get a hash suffix
 * so two devices never share a bucket.
 */
public final class BucketNames {

    private static final int MAX = 63;

    private BucketNames() {
    }

    public static String of(String prefix, String namespace, String deviceId) {
        String raw = prefix + "-" + namespace + "-" + deviceId;
        String cleaned = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-")
                .replaceAll("^-+|-+$", "");
        if (cleaned.equals(raw) && cleaned.length() <= MAX && cleaned.length() >= 3) {
            return cleaned;
        }
        String hash = sha256Hex(namespace + "/" + deviceId).substring(0, 12);
        int room = MAX - hash.length() - 1;
        String head = cleaned.length() > room ? cleaned.substring(0, room) : cleaned;
        head = head.replaceAll("-+$", "");
        return (head.isEmpty() ? prefix : head) + "-" + hash;
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
