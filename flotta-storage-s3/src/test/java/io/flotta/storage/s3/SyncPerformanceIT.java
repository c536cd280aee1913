package io.flotta.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.SyncResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures what docs/performance.md reports: upload throughput on S3Proxy over loopback, and the CPU
 * cost of a sync pass over 10,000 unchanged files (which must send nothing).
 */
class SyncPerformanceIT {

    @TempDir
    Path tmp;

    @Test
    void throughputAndTheCostOfAnUnchangedPass() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Path data = Files.createDirectories(tmp.resolve("export"));
        try (S3ProxyFixture s3 = S3ProxyFixture.start(tmp.resolve("s3"));
                S3ObjectStorage storage = S3ObjectStorage.create(s3.settings(tmp.resolve("state")).build())) {
            BucketAccess access = storage.provision("default", "perf");

            // large files: multipart, 8 MiB parts
            Random random = new Random(7);
            byte[] block = new byte[1 << 20];
            for (int f = 0; f < 2; f++) {
                try (var out = Files.newOutputStream(data.resolve("large-" + f + ".bin"))) {
                    for (int i = 0; i < 128; i++) {
                        random.nextBytes(block);
                        out.write(block);
                    }
                }
            }
            try (DataSync sync = storage.dataSync(access)) {
                sync.sync(Files.createDirectories(tmp.resolve("warm-up")), "warm-up");
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                SyncResult large = sync.sync(data, "large");
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpuMs = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
                assertThat(large.errors()).isEmpty();
                assertThat(large.bytesUploaded()).isEqualTo(256L << 20);
                System.out.printf("[measure] large files: 256 MiB in 2 files (8 MiB parts), %.2f s, %.1f MiB/s; "
                        + "syncing thread %.1f ms CPU per MiB (read twice, SHA-256 + MD5, SigV4, send)%n",
                        seconds, 256 / seconds, cpuMs / 256);
            }
            // the same store and SDK without us: one 64 MiB PUT from memory
            try (var raw = s3.client()) {
                byte[] body = new byte[64 << 20];
                random.nextBytes(body);
                long t0 = System.nanoTime();
                raw.putObject(b -> b.bucket(access.bucket()).key("baseline.bin"),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(body));
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("[measure] baseline: one SDK PutObject of 64 MiB from memory to S3Proxy, "
                        + "%.2f s, %.1f MiB/s%n", seconds, 64 / seconds);
            }

            // many small files
            Path small = Files.createDirectories(tmp.resolve("small"));
            byte[] content = new byte[1024];
            for (int i = 0; i < 10_000; i++) {
                Path dir = Files.createDirectories(small.resolve("d" + (i % 100)));
                random.nextBytes(content);
                Files.write(dir.resolve("f" + i + ".dat"), content);
            }
            try (DataSync sync = storage.dataSync(access)) {
                long t0 = System.nanoTime();
                SyncResult first = sync.sync(small, "small");
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertThat(first.errors()).isEmpty();
                assertThat(first.uploaded()).isEqualTo(10_000);
                System.out.printf("[measure] small files: 10,000 x 1 KiB, first pass %.1f s, %.0f files/s%n",
                        seconds, 10_000 / seconds);

                int puts = s3.totalPuts();
                long cpu = 0;
                long wall = 0;
                int passes = 5;
                for (int i = 0; i < passes; i++) {
                    long c0 = threads.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    SyncResult again = sync.sync(small, "small");
                    cpu += threads.getCurrentThreadCpuTime() - c0;
                    wall += System.nanoTime() - w0;
                    assertThat(again.uploaded()).isZero();
                    assertThat(again.unchanged()).isEqualTo(10_000);
                }
                assertThat(s3.totalPuts()).isEqualTo(puts);
                System.out.printf("[measure] unchanged pass over 10,000 files: %.1f ms CPU, %.1f ms wall "
                        + "(mean of %d), 0 requests%n", cpu / 1e6 / passes, wall / 1e6 / passes, passes);
            }
            // a new process: the manifest is read from disk once
            try (S3ObjectStorage restarted = S3ObjectStorage.create(s3.settings(tmp.resolve("state")).build());
                    DataSync sync = restarted.dataSync(access)) {
                long c0 = threads.getCurrentThreadCpuTime();
                SyncResult again = sync.sync(small, "small");
                long cpu = threads.getCurrentThreadCpuTime() - c0;
                assertThat(again.uploaded()).isZero();
                System.out.printf("[measure] first pass after a restart over 10,000 unchanged files "
                        + "(manifest load + one LIST): %.1f ms CPU%n", cpu / 1e6);
            }
        }
    }
}
