package io.flotta.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.FlottaException;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.SyncResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The s3 object storage against a real S3Proxy with SigV4 authentication. */
class S3DataSyncIT {

    private static final long MIB = 1L << 20;

    @TempDir
    Path tmp;

    private S3ProxyFixture s3;
    private S3ObjectStorage storage;
    private S3Client client;
    private Path data;

    @BeforeEach
    void start() throws Exception {
        s3 = S3ProxyFixture.start(tmp.resolve("s3"));
        storage = S3ObjectStorage.create(s3.settings(tmp.resolve("state")).backoff(Duration.ofMillis(100),
                Duration.ofSeconds(1)).maxAttempts(12).build());
        client = s3.client();
        data = Files.createDirectories(tmp.resolve("export"));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        storage.close();
        s3.close();
    }

    @Test
    void provisionCreatesOneBucketPerDeviceAndIsIdempotent() {
        BucketAccess a = storage.provision("default", "device-a");
        BucketAccess again = storage.provision("default", "device-a");
        BucketAccess b = storage.provision("fleet", "Device_B.with.Odd.Chars");

        assertThat(again).isEqualTo(a);
        assertThat(a.bucket()).isEqualTo("flotta-default-device-a");
        assertThat(b.bucket()).matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]").isNotEqualTo(a.bucket());
        assertThat(a.endpoint()).isEqualTo(s3.endpoint());
        assertThat(a.accessKeyId()).isEqualTo(S3ProxyFixture.ACCESS_KEY);
        assertThat(client.listBuckets().buckets()).extracting(x -> x.name())
                .contains(a.bucket(), b.bucket());
    }

    @Test
    void uploadsFilesUnderThePrefixAndOnlyChangedOnesAgain() throws Exception {
        BucketAccess access = storage.provision("default", "dev1");
        write("a.txt", "alpha");
        write("sub dir/b file.txt", "beta with spaces");
        write("données/émoji-🚀.txt", "unicode name");
        write("empty", "");
        try (DataSync sync = storage.dataSync(access)) {
            SyncResult first = sync.sync(data, "web");
            assertThat(first.errors()).isEmpty();
            assertThat(first.uploaded()).isEqualTo(4);
            assertThat(objects(access.bucket())).isEqualTo(Map.of(
                    "web/a.txt", "alpha",
                    "web/sub dir/b file.txt", "beta with spaces",
                    "web/données/émoji-🚀.txt", "unicode name",
                    "web/empty", ""));

            SyncResult second = sync.sync(data, "web");
            assertThat(second.uploaded()).isZero();
            assertThat(second.unchanged()).isEqualTo(4);
            assertThat(s3.totalPuts()).isEqualTo(4);

            write("a.txt", "alpha, changed");
            touch("sub dir/b file.txt", Instant.now().plusSeconds(60)); // new time, same content
            SyncResult third = sync.sync(data, "web");
            assertThat(third.uploaded()).isEqualTo(1);
            assertThat(s3.puts("web/a.txt")).isEqualTo(2);
            assertThat(s3.puts("web/sub dir/b file.txt")).isEqualTo(1);
            assertThat(s3.puts("web/données/émoji-🚀.txt")).isEqualTo(1);
            assertThat(objects(access.bucket())).containsEntry("web/a.txt", "alpha, changed");

            Files.delete(data.resolve("empty"));
            assertThat(sync.sync(data, "web").uploaded()).isZero();
            // uploads are never deleted: the device's data outlives its local copy
            assertThat(objects(access.bucket())).containsKey("web/empty");
        }
    }

    @Test
    void neverFollowsSymbolicLinks() throws Exception {
        BucketAccess access = storage.provision("default", "dev2");
        write("real.txt", "mine");
        Files.createSymbolicLink(data.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(data.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(data.resolve("alias.txt"), data.resolve("real.txt"));
        // a FIFO would block a reader forever
        assertThat(new ProcessBuilder("mkfifo", data.resolve("pipe").toString()).start().waitFor()).isZero();
        try (DataSync sync = storage.dataSync(access)) {
            SyncResult result = sync.sync(data, "w");
            assertThat(result.errors()).isEmpty();
            assertThat(result.uploaded()).isEqualTo(1);
        }
        assertThat(objects(access.bucket()).keySet()).containsExactly("w/real.txt");
    }

    @Test
    void aFileRewrittenWithinOneTimestampTickIsStillSentAgain() throws Exception {
        BucketAccess access = storage.provision("default", "dev10");
        write("r.txt", "aaaa");
        FileTime time = Files.getLastModifiedTime(data.resolve("r.txt"));
        try (DataSync sync = storage.dataSync(access)) {
            assertThat(sync.sync(data, "w").uploaded()).isEqualTo(1);
            // same size, same time, same inode: only content tells
            Files.writeString(data.resolve("r.txt"), "bbbb");
            Files.setLastModifiedTime(data.resolve("r.txt"), time);
            assertThat(sync.sync(data, "w").uploaded()).isEqualTo(1);
            assertThat(objects(access.bucket())).containsEntry("w/r.txt", "bbbb");
        }
    }

    @Test
    void aLargeFileGoesInVerifiedPartsAndIsNotSentTwice() throws Exception {
        BucketAccess access = storage.provision("default", "dev3");
        Path big = randomFile("big.bin", 100 * MIB, 1);
        try (DataSync sync = storage.dataSync(access)) {
            long start = System.nanoTime();
            SyncResult result = sync.sync(data, "logger");
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("[measure] multipart upload of 100 MiB: %.2f s, %.1f MiB/s%n", seconds, 100 / seconds);
            assertThat(result.errors()).isEmpty();
            assertThat(result.bytesUploaded()).isEqualTo(100 * MIB);

            HeadObjectResponse head = client.headObject(b -> b.bucket(access.bucket()).key("logger/big.bin"));
            assertThat(head.contentLength()).isEqualTo(100 * MIB);
            assertThat(head.eTag()).endsWith("-13\"");
            assertThat(s3.partUploads("logger/big.bin")).isEqualTo(13);
            assertThat(s3.puts("logger/big.bin")).isZero();
            assertThat(head.metadata()).containsEntry("sha256", sha256(big));
            assertThat(sha256(client.getObject(b -> b.bucket(access.bucket()).key("logger/big.bin"))))
                    .isEqualTo(sha256(big));

            assertThat(sync.sync(data, "logger").uploaded()).isZero();
            assertThat(s3.partUploads("logger/big.bin")).isEqualTo(13);
        }
    }

    @Test
    void storeStoppedDuringASyncIsRetriedAndNothingIsLostOrDuplicated() throws Exception {
        BucketAccess access = storage.provision("default", "dev4");
        Path big = randomFile("video.bin", 64 * MIB, 2);
        for (int i = 0; i < 20; i++) {
            write("small/" + i + ".txt", "file " + i);
        }
        try (DataSync sync = storage.dataSync(access)) {
            CompletableFuture<SyncResult> running = CompletableFuture.supplyAsync(() -> sync.sync(data, "cam"));
            awaitTrue(() -> s3.partUploads("cam/video.bin") >= 2, Duration.ofSeconds(60));
            s3.stop();
            Thread.sleep(2000);
            assertThat(running).isNotDone();
            s3.restart();
            SyncResult result = running.get(120, TimeUnit.SECONDS);

            assertThat(result.errors()).isEmpty();
            assertThat(result.uploaded()).isEqualTo(21);
        }
        Map<String, String> objects = objects(access.bucket(), 1024);
        assertThat(objects).hasSize(21);
        for (int i = 0; i < 20; i++) {
            assertThat(objects).containsEntry("cam/small/" + i + ".txt", "file " + i);
        }
        assertThat(sha256(client.getObject(b -> b.bucket(access.bucket()).key("cam/video.bin")))).isEqualTo(sha256(big));
        assertThat(client.listMultipartUploads(b -> b.bucket(access.bucket())).uploads()).isEmpty();
        // 8 parts; the one cut off by the stop may be sent twice, no more
        assertThat(s3.partUploads("cam/video.bin")).isBetween(8, 9);
        assertThat(s3.completedMultipartUploads()).isEqualTo(1);
    }

    @Test
    void aRestartedAgentResumesItsMultipartUploadFromTheManifest() throws Exception {
        BucketAccess access = storage.provision("default", "dev5");
        Path big = randomFile("db.bin", 80 * MIB, 3);
        S3StorageSettings impatient = s3.settings(tmp.resolve("state")).maxAttempts(2)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(100)).build();
        try (S3ObjectStorage first = S3ObjectStorage.create(impatient); DataSync sync = first.dataSync(access)) {
            CompletableFuture<SyncResult> running = CompletableFuture.supplyAsync(() -> sync.sync(data, "db"));
            awaitTrue(() -> s3.partUploads("db/db.bin") >= 4, Duration.ofSeconds(60));
            s3.stop();
            Throwable failure = running.handle((r, e) -> e).get(60, TimeUnit.SECONDS);
            assertThat(failure).isNotNull().cause().isInstanceOfSatisfying(FlottaException.class,
                    e -> assertThat(e.code()).isEqualTo(FlottaException.Code.UNAVAILABLE));
        }
        int sentBefore = s3.partUploads("db/db.bin");
        s3.restart();
        // a new process: new storage, manifest read from disk
        try (S3ObjectStorage second = S3ObjectStorage.create(impatient); DataSync sync = second.dataSync(access)) {
            SyncResult result = sync.sync(data, "db");
            assertThat(result.errors()).isEmpty();
            assertThat(result.uploaded()).isEqualTo(1);
        }
        assertThat(s3.partUploads("db/db.bin")).isLessThanOrEqualTo(10 + 1);
        assertThat(s3.partUploads("db/db.bin") - sentBefore).isLessThan(10);
        assertThat(sha256(client.getObject(b -> b.bucket(access.bucket()).key("db/db.bin")))).isEqualTo(sha256(big));
        assertThat(client.listMultipartUploads(b -> b.bucket(access.bucket())).uploads()).isEmpty();
    }

    @Test
    void aLostManifestDoesNotSendFilesTheBucketAlreadyHas() throws Exception {
        BucketAccess access = storage.provision("default", "dev6");
        for (int i = 0; i < 40; i++) { // more than one HEAD each is worth: one listing
            write("f" + i, "content " + i);
        }
        write("few/one", "1");
        try (DataSync sync = storage.dataSync(access)) {
            assertThat(sync.sync(data, "p").uploaded()).isEqualTo(41);
        }
        int puts = s3.totalPuts();
        deleteRecursively(tmp.resolve("state"));
        write("f0", "changed while the manifest was gone");
        try (S3ObjectStorage fresh = S3ObjectStorage.create(s3.settings(tmp.resolve("state")).build());
                DataSync sync = fresh.dataSync(access)) {
            SyncResult result = sync.sync(data, "p");
            assertThat(result.uploaded()).isEqualTo(1);
            assertThat(result.unchanged()).isEqualTo(40);
        }
        assertThat(s3.totalPuts()).isEqualTo(puts + 1);
    }

    @Test
    void wrongCredentialsGiveAClearErrorNamingTheBucket() throws Exception {
        BucketAccess good = storage.provision("default", "dev7");
        BucketAccess bad = new BucketAccess(good.endpoint(), good.bucket(), good.region(), good.accessKeyId(),
                "not-the-secret", "");
        write("x.txt", "x");
        try (DataSync sync = storage.dataSync(bad)) {
            assertThatThrownBy(() -> sync.sync(data, "w"))
                    .isInstanceOfSatisfying(FlottaException.class, e -> {
                        assertThat(e.code()).isEqualTo(FlottaException.Code.UNAUTHENTICATED);
                        assertThat(e.isRetryable()).isFalse();
                    })
                    .hasMessageContaining("bucket " + good.bucket())
                    .hasMessageContaining("refused the credentials");
        }
        assertThat(s3.totalPuts()).isZero();
    }

    @Test
    void anUnreachableStoreIsUnavailable() throws Exception {
        BucketAccess access = storage.provision("default", "dev8");
        write("x.txt", "x");
        s3.stop();
        try (S3ObjectStorage quick = S3ObjectStorage.create(s3.settings(tmp.resolve("state2")).maxAttempts(2)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(20)).build());
                DataSync sync = quick.dataSync(access)) {
            assertThatThrownBy(() -> sync.sync(data, "w"))
                    .isInstanceOfSatisfying(FlottaException.class,
                            e -> assertThat(e.code()).isEqualTo(FlottaException.Code.UNAVAILABLE))
                    .hasMessageContaining(access.bucket());
        } finally {
            s3.restart();
        }
    }

    @Test
    void releaseKeepsDataUnlessAskedToDeleteIt() throws Exception {
        BucketAccess access = storage.provision("default", "dev9");
        write("keep.txt", "k");
        try (DataSync sync = storage.dataSync(access)) {
            sync.sync(data, "w");
        }
        storage.release("default", "dev9");
        assertThat(objects(access.bucket())).containsKey("w/keep.txt");

        try (S3ObjectStorage deleting = S3ObjectStorage.create(s3.settings(tmp.resolve("state")).deleteOnRelease(true)
                .build())) {
            deleting.release("default", "dev9");
            deleting.release("default", "dev9");
        }
        assertThat(client.listBuckets().buckets()).extracting(x -> x.name()).doesNotContain(access.bucket());
    }

    // ---------------------------------------------------------------- helpers

    private void write(String relative, String content) throws IOException {
        Path file = data.resolve(relative);
        Files.createDirectories(file.getParent());
        boolean existed = Files.exists(file);
        FileTime before = existed ? Files.getLastModifiedTime(file) : null;
        Files.writeString(file, content);
        if (existed && Files.getLastModifiedTime(file).equals(before)) {
            // coarse file system clock: make the change visible, as a later write would
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
        }
    }

    private void touch(String relative, Instant when) throws IOException {
        Files.setLastModifiedTime(data.resolve(relative), FileTime.from(when));
    }

    private Path randomFile(String relative, long size, long seed) throws IOException {
        Path file = data.resolve(relative);
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
        return file;
    }

    private Map<String, String> objects(String bucket) {
        return objects(bucket, 1000);
    }

    private Map<String, String> objects(String bucket, int limit) {
        Map<String, String> result = new TreeMap<>();
        for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            if (o.size() > 1024) {
                result.put(o.key(), "(" + o.size() + " bytes)");
            } else {
                result.put(o.key(), client.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()))
                        .asString(StandardCharsets.UTF_8));
            }
            if (result.size() > limit) {
                break;
            }
        }
        return result;
    }

    static String sha256(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    static String sha256(InputStream in) throws Exception {
        try (in) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(5);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }
}
