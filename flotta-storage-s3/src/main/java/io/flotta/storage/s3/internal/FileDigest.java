package io.flotta.storage.s3.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * One read of a file: its SHA-256 and the MD5 of each part it will be sent in (one part when it
 * goes in a single PUT), from which the ETag the store must answer follows.
 *
 * @param size   bytes read
 * @param sha256 hex SHA-256 of the whole file
 * @param parts  MD5 of each part, in order
 */
record FileDigest(long size, String sha256, List<byte[]> parts) {

    private static final int BUFFER = 1 << 20;

    static FileDigest of(Path file, long size, long partSize) throws IOException {
        MessageDigest sha = digest("SHA-256");
        List<byte[]> parts = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        try (FileChannel channel = FileSlice.open(file)) {
            long read = 0;
            do {
                MessageDigest md5 = digest("MD5");
                long partEnd = Math.min(size, read + partSize);
                while (read < partEnd) {
                    buffer.clear().limit((int) Math.min(BUFFER, partEnd - read));
                    int n = channel.read(buffer);
                    if (n < 0) {
                        throw new FileSlice.LocalFileProblem("the file shrank while it was read (" + read + " of "
                                + size + " bytes)", null);
                    }
                    buffer.flip();
                    sha.update(buffer.duplicate());
                    md5.update(buffer);
                    read += n;
                }
                parts.add(md5.digest());
            } while (read < size);
        }
        return new FileDigest(size, HexFormat.of().formatHex(sha.digest()), List.copyOf(parts));
    }

    boolean multipart() {
        return parts.size() > 1;
    }

    String partMd5Base64(int index) {
        return Base64.getEncoder().encodeToString(parts.get(index));
    }

    String partMd5Hex(int index) {
        return HexFormat.of().formatHex(parts.get(index));
    }

    /** The ETag S3 gives this content: the MD5, or for multipart the MD5 of the part MD5s and the count. */
    String expectedEtag() {
        if (!multipart()) {
            return partMd5Hex(0);
        }
        MessageDigest md5 = digest("MD5");
        parts.forEach(md5::update);
        return HexFormat.of().formatHex(md5.digest()) + "-" + parts.size();
    }

    static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by every JDK", e);
        }
    }
}
