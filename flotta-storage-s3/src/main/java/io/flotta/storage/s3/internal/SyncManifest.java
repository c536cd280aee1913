package io.flotta.storage.s3.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one directory's sync has put in its bucket: per file its size, modification time, inode,
 * SHA-256 and ETag, plus multipart uploads in progress, so a restarted agent neither sends unchanged
 * files again nor starts a half-sent large file from scratch. Written atomically (temporary file,
 * fsync, rename): a crash leaves the old or the new manifest, never a torn one. Not thread-safe.
 */
public final class SyncManifest {

    private static final Logger LOG = LoggerFactory.getLogger(SyncManifest.class);
    private static final int FORMAT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * A file as it was when it was last uploaded (or found identical in the bucket).
     *
     * @param racy the file was modified so shortly before it was read that a later write within the
     *             same clock tick could keep size and time: hash it again next time
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FileState(
            @JsonProperty("size") long size,
            @JsonProperty("mtime") long mtimeNanos,
            @JsonProperty("inode") String fileKey,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("etag") String etag,
            @JsonProperty("racy") boolean racy) {
    }

    /** A multipart upload begun for a file with this content; parts already sent are asked from the store. */
    public record PendingUpload(
            @JsonProperty("uploadId") String uploadId,
            @JsonProperty("key") String key,
            @JsonProperty("size") long size,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("partSize") long partSize) {
    }

    private record Document(
            @JsonProperty("format") int format,
            @JsonProperty("identity") String identity,
            @JsonProperty("files") Map<String, FileState> files,
            @JsonProperty("uploads") Map<String, PendingUpload> uploads) {
    }

    private final Path file;
    private final String identity;
    private final Map<String, FileState> files;
    private final Map<String, PendingUpload> uploads;
    private boolean dirty;

    private SyncManifest(Path file, String identity, Map<String, FileState> files, Map<String, PendingUpload> uploads) {
        this.file = file;
        this.identity = identity;
        this.files = files;
        this.uploads = uploads;
    }

    /**
     * Reads the manifest at {@code file}; a missing, unreadable or foreign one (another bucket or
     * store) gives an empty manifest: files are then checked against the bucket before sending.
     */
    public static SyncManifest load(Path file, String identity) {
        if (Files.isRegularFile(file)) {
            try {
                Document d = MAPPER.readValue(file.toFile(), Document.class);
                if (d.format() == FORMAT && identity.equals(d.identity())) {
                    return new SyncManifest(file, identity, new HashMap<>(d.files() == null ? Map.of() : d.files()),
                            new HashMap<>(d.uploads() == null ? Map.of() : d.uploads()));
                }
                LOG.info("manifest {} belongs to another bucket or format; starting afresh", file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("manifest {} is unreadable ({}); files will be checked against the bucket", file, e.getMessage());
            }
        }
        return new SyncManifest(file, identity, new HashMap<>(), new HashMap<>());
    }

    public FileState file(String relativePath) {
        return files.get(relativePath);
    }

    public void put(String relativePath, FileState state) {
        if (!state.equals(files.put(relativePath, state))) {
            dirty = true;
        }
    }

    /** Forgets files that are no longer in the directory. */
    public void retainFiles(java.util.Set<String> present) {
        if (files.keySet().retainAll(present)) {
            dirty = true;
        }
    }

    public PendingUpload upload(String relativePath) {
        return uploads.get(relativePath);
    }

    public Map<String, PendingUpload> uploads() {
        return Map.copyOf(uploads);
    }

    public void putUpload(String relativePath, PendingUpload upload) {
        uploads.put(relativePath, upload);
        dirty = true;
    }

    public void removeUpload(String relativePath) {
        if (uploads.remove(relativePath) != null) {
            dirty = true;
        }
    }

    public int size() {
        return files.size();
    }

    public boolean dirty() {
        return dirty;
    }

    /** Writes the manifest if it changed since the last save. */
    public void save() {
        if (!dirty) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            byte[] json = MAPPER.writeValueAsBytes(new Document(FORMAT, identity, files, uploads));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(json);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            dirty = false;
        } catch (IOException e) {
            // losing the manifest costs re-checks against the bucket, never data: log and go on
            LOG.warn("cannot write manifest {}: {}", file, e.getMessage());
        }
    }

    /** For tests: the relative paths recorded. */
    List<String> paths() {
        return List.copyOf(files.keySet());
    }
}
