package io.flotta.core.controlplane;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of some bytes, as a map key: 32 bytes instead of the bytes themselves, with a
 * collision chance no device can arrange.
 */
record Fingerprint(long a, long b, long c, long d) {

    static Fingerprint of(byte[] bytes) {
        ByteBuffer hash = ByteBuffer.wrap(sha256().digest(bytes));
        return new Fingerprint(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
