package io.flotta.storage.s3.internal;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.SyncResult;
import io.flotta.storage.s3.S3StorageSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.Part;

/**
 * Mirrors directories into one bucket, incrementally.
 *
 * <p>A pass walks the directory without following any symbolic link (links are skipped, wherever
 * they point), and compares each regular file's size, modification time and inode with the
 * manifest: equal means unchanged, and costs no read and no request. Otherwise the file is hashed
 * (SHA-256, plus the MD5 of each part), and sent only if its content differs from what was sent
 * before — or, for a file the manifest does not know, from what the bucket already holds. Small
 * files go in one PUT, large ones in parts of {@code partSize}; every PUT and part carries its
 * Content-MD5, so the store rejects corrupted bodies, and the ETag it answers is checked. Multipart
 * uploads are recorded before their first part, so a restarted pass sends only missing parts.
 *
 * <p>Objects are never deleted: a file that disappears keeps its last uploaded copy.
 */
public final class S3DataSync implements DataSync {

    private static final Logger LOG = LoggerFactory.getLogger(S3DataSync.class);
    /** A file changed less than this before it was read may change again unseen within one timestamp tick. */
    private static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** With more unknown files than this, one listing of the prefix is cheaper than a HEAD each. */
    private static final int HEAD_LIMIT = 32;
    private static final int MAX_KEY_BYTES = 1024;
    private static final String SHA256_METADATA = "sha256";

    private final S3Client client;
    private final BucketAccess access;
    private final S3StorageSettings settings;
    private final Retrier retrier;
    private final Map<Path, SyncManifest> manifests = new HashMap<>();
    private boolean verified;

    public S3DataSync(S3Client client, BucketAccess access, S3StorageSettings settings) {
        this.client = client;
        this.access = access;
        this.settings = settings;
        this.retrier = new Retrier(access.bucket(), settings.maxAttempts(), settings.initialBackoff(),
                settings.maxBackoff());
        if (!"UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", "UTF-8"))) {
            LOG.warn("file names are decoded as {}, not UTF-8: names outside ASCII cannot be uploaded; "
                    + "run with a UTF-8 locale (e.g. LANG=C.UTF-8)", System.getProperty("sun.jnu.encoding"));
        }
    }

    @Override
    public synchronized SyncResult sync(Path directory, String prefix) {
        String cleanPrefix = cleanPrefix(prefix);
        Path root = directory.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(root)) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "bucket " + access.bucket() + ": " + root
                    + " is a symbolic link; refusing to sync it");
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return new SyncResult(0, 0, 0, List.of());
        }
        if (!verified) {
            // once per syncer: wrong credentials or a missing bucket show at once, not with the first
            // file a workload writes (a listing, unlike a HEAD, answers with the reason)
            retrier.call("LIST " + cleanPrefix + "/", () -> client.listObjectsV2(b -> b.bucket(access.bucket())
                    .prefix(cleanPrefix + "/").maxKeys(1)));
            verified = true;
        }
        SyncManifest manifest = manifests.computeIfAbsent(manifestFile(root, cleanPrefix),
                f -> SyncManifest.load(f, identity(root, cleanPrefix)));
        Pass pass = new Pass(root, cleanPrefix, manifest);
        try {
            pass.run();
        } finally {
            manifest.save();
        }
        return new SyncResult(pass.uploaded, pass.unchanged, pass.bytes, pass.errors);
    }

    private final class Pass {
        final Path root;
        final String prefix;
        final SyncManifest manifest;
        final List<String> errors = new ArrayList<>();
        int uploaded;
        int unchanged;
        long bytes;
        long lastSave = System.nanoTime();

        Pass(Path root, String prefix, SyncManifest manifest) {
            this.root = root;
            this.prefix = prefix;
            this.manifest = manifest;
        }

        void run() {
            List<Candidate> candidates = scan();
            Set<String> present = new HashSet<>();
            List<Candidate> changed = new ArrayList<>();
            for (Candidate c : candidates) {
                present.add(c.relative);
                SyncManifest.FileState known = manifest.file(c.relative);
                if (known != null && !known.racy() && known.size() == c.size && known.mtimeNanos() == c.mtimeNanos
                        && java.util.Objects.equals(known.fileKey(), c.fileKey)) {
                    unchanged++;
                } else {
                    changed.add(c);
                }
            }
            manifest.retainFiles(present);
            abandonVanishedUploads(present);
            if (changed.isEmpty()) {
                return;
            }
            Map<String, Remote> remote = remoteStateOf(changed);
            for (Candidate c : changed) {
                try {
                    syncFile(c, remote);
                } catch (FlottaException e) {
                    if (storeWide(e)) {
                        throw e;
                    }
                    if (e.code() == Code.CONFLICT) {
                        // rewritten while it was sent: try once more with what is there now
                        retryChanged(c, remote);
                    } else {
                        errors.add(c.relative + ": " + e.getMessage());
                        LOG.debug("upload of {} failed: {}", c.relative, e.getMessage());
                    }
                } catch (NoSuchFileException e) {
                    // gone since the walk (a rotated log, a temporary file): nothing to send
                    LOG.debug("{} vanished before it was read", c.relative);
                } catch (FileSlice.LocalFileProblem e) {
                    retryChanged(c, remote);
                } catch (IOException | java.io.UncheckedIOException e) {
                    errors.add(c.relative + ": " + e.getMessage());
                }
                if (System.nanoTime() - lastSave > TimeUnit.SECONDS.toNanos(1)) {
                    manifest.save();
                    lastSave = System.nanoTime();
                }
            }
        }

        private void retryChanged(Candidate before, Map<String, Remote> remote) {
            try {
                BasicFileAttributes attrs = Files.readAttributes(before.path, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!attrs.isRegularFile()) {
                    return;
                }
                syncFile(new Candidate(before.path, before.relative, before.key, attrs.size(),
                        attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                        attrs.fileKey() == null ? null : attrs.fileKey().toString()), remote);
            } catch (NoSuchFileException e) {
                LOG.debug("{} vanished while it was sent", before.relative);
            } catch (FlottaException e) {
                if (storeWide(e)) {
                    throw e;
                }
                errors.add(before.relative + ": " + e.getMessage());
            } catch (IOException | java.io.UncheckedIOException e) {
                errors.add(before.relative + ": " + e.getMessage());
            }
        }

        /** Failures that no other file could escape: the whole pass stops with them. */
        private boolean storeWide(FlottaException e) {
            return switch (e.code()) {
                case UNAVAILABLE, UNAUTHENTICATED, PERMISSION_DENIED, CONFIGURATION -> true;
                case NOT_FOUND -> e.getMessage().contains("bucket does not exist");
                default -> false;
            };
        }

        private List<Candidate> scan() {
            List<Candidate> found = new ArrayList<>();
            try {
                // no FOLLOW_LINKS: a link is reported as itself and skipped, never entered
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!attrs.isRegularFile()) {
                            // symbolic links, FIFOs (reading one would block), sockets, devices
                            return FileVisitResult.CONTINUE;
                        }
                        String relative = relative(file);
                        String key = prefix + "/" + relative;
                        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
                            errors.add(relative + ": key longer than " + MAX_KEY_BYTES + " bytes");
                            return FileVisitResult.CONTINUE;
                        }
                        found.add(new Candidate(file, relative, key, attrs.size(),
                                attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                                attrs.fileKey() == null ? null : attrs.fileKey().toString()));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        if (!(e instanceof NoSuchFileException)) {
                            errors.add(relative(file) + ": unreadable: " + e.getMessage());
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                errors.add("cannot list " + root + ": " + e.getMessage());
            }
            return found;
        }

        private String relative(Path file) {
            Path rel = root.relativize(file);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < rel.getNameCount(); i++) {
                if (i > 0) {
                    sb.append('/');
                }
                sb.append(rel.getName(i));
            }
            return sb.toString();
        }

        /** What the bucket holds for files the manifest does not know (lost manifest, crash after a PUT). */
        private Map<String, Remote> remoteStateOf(List<Candidate> changed) {
            List<Candidate> unknown = changed.stream().filter(c -> manifest.file(c.relative) == null).toList();
            Map<String, Remote> remote = new HashMap<>();
            if (unknown.isEmpty()) {
                return remote;
            }
            if (unknown.size() <= HEAD_LIMIT) {
                for (Candidate c : unknown) {
                    head(c.key).ifPresent(r -> remote.put(c.key, r));
                }
                return remote;
            }
            String listPrefix = prefix + "/";
            retrier.call("LIST " + listPrefix, () -> {
                remote.clear();
                client.listObjectsV2Paginator(b -> b.bucket(access.bucket()).prefix(listPrefix)).contents()
                        .forEach(o -> remote.put(o.key(), new Remote(o.size(), FileDigest.unquote(o.eTag()), null)));
                return null;
            });
            return remote;
        }

        private java.util.Optional<Remote> head(String key) {
            try {
                HeadObjectResponse r = retrier.call("HEAD " + key,
                        () -> client.headObject(b -> b.bucket(access.bucket()).key(key)));
                return java.util.Optional.of(new Remote(r.contentLength(), FileDigest.unquote(r.eTag()),
                        r.metadata().get(SHA256_METADATA)));
            } catch (FlottaException e) {
                if (e.code() == Code.NOT_FOUND && !e.getMessage().contains("bucket does not exist")) {
                    return java.util.Optional.empty();
                }
                if (e.code() == Code.PERMISSION_DENIED) {
                    // a HEAD answer has no body, so no reason: a listing tells wrong keys from missing rights
                    retrier.call("LIST " + prefix + "/", () -> client.listObjectsV2(b -> b.bucket(access.bucket())
                            .prefix(prefix + "/").maxKeys(1)));
                }
                throw e;
            }
        }

        private void syncFile(Candidate c, Map<String, Remote> remote) throws IOException {
            SyncManifest.FileState known = manifest.file(c.relative);
            long partSize = c.size >= settings.multipartThreshold() ? settings.partSize() : Long.MAX_VALUE;
            long readAt = System.currentTimeMillis();
            FileDigest digest = FileDigest.of(c.path, c.size, partSize);
            boolean racy = TimeUnit.MILLISECONDS.toNanos(readAt) - c.mtimeNanos < RACY_NANOS;
            String expectedEtag = digest.expectedEtag();
            if (known != null && known.sha256().equals(digest.sha256())) {
                // touched, or racy last time, but the same content
                manifest.put(c.relative, state(c, digest, known.etag(), racy));
                unchanged++;
                return;
            }
            Remote r = remote.get(c.key);
            if (known == null && r != null && r.size == c.size
                    && (expectedEtag.equals(r.etag) || digest.sha256().equals(r.sha256))) {
                manifest.put(c.relative, state(c, digest, r.etag, racy));
                unchanged++;
                return;
            }
            String etag = digest.multipart() ? multipart(c, digest) : put(c, digest);
            manifest.put(c.relative, state(c, digest, etag, racy));
            uploaded++;
            bytes += c.size;
        }

        private SyncManifest.FileState state(Candidate c, FileDigest digest, String etag, boolean racy) {
            return new SyncManifest.FileState(c.size, c.mtimeNanos, c.fileKey, digest.sha256(), etag, racy);
        }

        private String put(Candidate c, FileDigest digest) {
            String etag = FileDigest.unquote(retrier.call("PUT " + c.key, () -> client.putObject(b -> b
                            .bucket(access.bucket()).key(c.key).contentLength(c.size)
                            .contentMD5(digest.partMd5Base64(0))
                            .metadata(Map.of(SHA256_METADATA, digest.sha256())),
                    RequestBody.fromContentProvider(new FileSlice(c.path, 0, c.size), c.size,
                            "application/octet-stream"))).eTag());
            verify(c, digest.expectedEtag(), etag);
            return etag;
        }

        private String multipart(Candidate c, FileDigest digest) {
            int count = digest.parts().size();
            SyncManifest.PendingUpload pending = manifest.upload(c.relative);
            Map<Integer, String> sent = new HashMap<>();
            if (pending != null) {
                if (pending.sha256().equals(digest.sha256()) && pending.partSize() == settings.partSize()
                        && pending.key().equals(c.key)) {
                    sent = sentParts(pending);
                    if (sent == null) {
                        pending = null;
                        sent = new HashMap<>();
                    } else {
                        LOG.info("resuming the upload of {} ({} of {} parts already in bucket {})", c.key,
                                sent.size(), count, access.bucket());
                    }
                } else {
                    abort(pending);
                    pending = null;
                }
                if (pending == null) {
                    manifest.removeUpload(c.relative);
                }
            }
            if (pending == null) {
                String uploadId = retrier.call("CREATE MULTIPART " + c.key, () -> client.createMultipartUpload(b -> b
                        .bucket(access.bucket()).key(c.key).contentType("application/octet-stream")
                        .metadata(Map.of(SHA256_METADATA, digest.sha256())))).uploadId();
                pending = new SyncManifest.PendingUpload(uploadId, c.key, c.size, digest.sha256(), settings.partSize());
                // recorded before the first part: a crash from here on resumes instead of leaking the upload
                manifest.putUpload(c.relative, pending);
                manifest.save();
            }
            String uploadId = pending.uploadId();
            List<CompletedPart> parts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int number = i + 1;
                String md5 = digest.partMd5Hex(i);
                if (!md5.equals(sent.get(number))) {
                    long offset = (long) i * settings.partSize();
                    long length = Math.min(settings.partSize(), c.size - offset);
                    int index = i;
                    String etag = FileDigest.unquote(retrier.call("PUT " + c.key + " part " + number, () ->
                            client.uploadPart(b -> b.bucket(access.bucket()).key(c.key).uploadId(uploadId)
                                            .partNumber(number).contentLength(length)
                                            .contentMD5(digest.partMd5Base64(index)),
                                    RequestBody.fromContentProvider(new FileSlice(c.path, offset, length), length,
                                            "application/octet-stream"))).eTag());
                    if (!md5.equals(etag)) {
                        throw new FlottaException(Code.INTERNAL, "bucket " + access.bucket() + ": part " + number
                                + " of " + c.key + " stored with ETag " + etag + ", expected its MD5 " + md5);
                    }
                }
                parts.add(CompletedPart.builder().partNumber(number).eTag(md5).build());
            }
            String expected = digest.expectedEtag();
            String etag;
            try {
                etag = FileDigest.unquote(retrier.call("COMPLETE " + c.key, () -> client.completeMultipartUpload(b -> b
                        .bucket(access.bucket()).key(c.key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)))).eTag());
            } catch (FlottaException e) {
                // an earlier attempt may have completed it and lost only the answer
                if (e.code() != Code.NOT_FOUND) {
                    throw e;
                }
                etag = head(c.key).filter(r -> r.size == c.size).map(r -> r.etag).orElseThrow(() -> e);
            }
            manifest.removeUpload(c.relative);
            verify(c, expected, etag);
            return etag;
        }

        /** The parts the store holds for the upload (number to MD5), or null when the upload is gone. */
        private Map<Integer, String> sentParts(SyncManifest.PendingUpload pending) {
            try {
                Map<Integer, String> sent = new HashMap<>();
                Integer marker = 0;
                while (marker != null) {
                    Integer from = marker;
                    ListPartsResponse r = retrier.call("LIST PARTS " + pending.key(), () -> client.listParts(b -> b
                            .bucket(access.bucket()).key(pending.key()).uploadId(pending.uploadId())
                            .partNumberMarker(from)));
                    for (Part p : r.parts()) {
                        sent.put(p.partNumber(), FileDigest.unquote(p.eTag()));
                    }
                    marker = Boolean.TRUE.equals(r.isTruncated()) ? r.nextPartNumberMarker() : null;
                }
                return sent;
            } catch (FlottaException e) {
                if (e.code() == Code.NOT_FOUND) {
                    return null;
                }
                throw e;
            }
        }

        private void abort(SyncManifest.PendingUpload pending) {
            try {
                retrier.call("ABORT " + pending.key(), () -> client.abortMultipartUpload(b -> b
                        .bucket(access.bucket()).key(pending.key()).uploadId(pending.uploadId())));
            } catch (FlottaException e) {
                if (e.code() != Code.NOT_FOUND) {
                    LOG.debug("could not abort upload {} of {}: {}", pending.uploadId(), pending.key(), e.getMessage());
                }
            }
        }

        private void abandonVanishedUploads(Set<String> present) {
            manifest.uploads().forEach((relative, pending) -> {
                if (!present.contains(relative)) {
                    abort(pending);
                    manifest.removeUpload(relative);
                }
            });
        }

        private void verify(Candidate c, String expected, String actual) {
            if (!expected.equals(actual)) {
                throw new FlottaException(Code.INTERNAL, "bucket " + access.bucket() + ": " + c.key
                        + " stored with ETag " + actual + ", expected " + expected + ": content differs");
            }
        }
    }

    private record Candidate(Path path, String relative, String key, long size, long mtimeNanos, String fileKey) {
    }

    private record Remote(long size, String etag, String sha256) {
    }

    private Path manifestFile(Path root, String prefix) {
        String id = BucketNames.sha256Hex(identity(root, prefix)).substring(0, 32);
        return settings.stateDirectory().resolve("manifests").resolve(id + ".json");
    }

    private String identity(Path root, String prefix) {
        return access.endpoint() + "\n" + access.bucket() + "\n" + prefix + "\n" + root;
    }

    static String cleanPrefix(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || p.contains("//") || List.of(p.split("/")).stream().anyMatch(s -> s.equals(".") || s.equals(".."))) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "prefix must be a non-empty key path without "
                    + "'.', '..' or empty segments, was '" + prefix + "'");
        }
        return p;
    }

    @Override
    public void close() {
        synchronized (this) {
            manifests.values().forEach(SyncManifest::save);
        }
        client.close();
    }
}
