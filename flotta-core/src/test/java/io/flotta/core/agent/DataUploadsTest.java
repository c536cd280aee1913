package io.flotta.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.storage.StorageWire;
import io.flotta.spi.FlottaException;
import io.flotta.spi.runtime.WorkloadEvent;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.storage.SyncResult;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DataUploadsTest {

    final List<String> syncs = new CopyOnWriteArrayList<>();
    final List<WorkloadEvent> events = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final ObjectStorage storage = new ObjectStorage() {
        @Override
        public BucketAccess provision(String namespace, String deviceId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void release(String namespace, String deviceId) {
        }

        @Override
        public DataSync dataSync(BucketAccess access) {
            return new DataSync() {
                @Override
                public SyncResult sync(Path directory, String prefix) {
                    syncs.add(access.bucket() + ":" + prefix);
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new FlottaException(FlottaException.Code.UNAVAILABLE, "bucket " + access.bucket()
                                + ": object store unreachable");
                    }
                    return new SyncResult(1, 0, 10, List.of());
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void close() {
        }
    };
    final DataUploads uploads = new DataUploads(storage, Clock.systemUTC(), events::add, Duration.ofSeconds(60),
            Duration.ofMillis(20));

    @AfterEach
    void stop() {
        uploads.close();
    }

    static ObjectNode configuration(Long intervalSeconds) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.putObject("configuration").putObject("storage").set("s3", StorageWire.toWire(new BucketAccess(
                URI.create("https://s3.test"), "bkt", null, "a", "s", null)));
        if (intervalSeconds != null) {
            content.put("workloads_monitoring_interval", intervalSeconds);
        }
        return content;
    }

    @Test
    void syncsEachWorkloadAtTheConfiguredInterval() throws Exception {
        uploads.configure(configuration(1L), Map.of("web", Path.of("/tmp/none")));
        await(() -> syncs.size() >= 3, Duration.ofSeconds(5));
        assertThat(syncs).allMatch(s -> s.equals("bkt:web"));
        assertThat(uploads.lastUpload("web")).isPresent();
        assertThat(uploads.lastUpload("other")).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void anUnreachableStoreIsRetriedSoonerThanTheIntervalAndReportedOnce() throws Exception {
        failuresLeft.set(3);
        uploads.configure(configuration(null), Map.of("web", Path.of("/tmp/none"))); // 60 s default interval
        await(() -> uploads.lastUpload("web").isPresent(), Duration.ofSeconds(5));
        assertThat(syncs).hasSize(4);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("DataUploadFailed");
            assertThat(e.warning()).isTrue();
            assertThat(e.message()).contains("bkt").contains("unreachable");
        });
    }

    @Test
    void noStorageSectionMeansNoUpload() throws Exception {
        uploads.configure(JsonNodeFactory.instance.objectNode(), Map.of("web", Path.of("/tmp/none")));
        Thread.sleep(300);
        assertThat(syncs).isEmpty();
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in " + timeout);
            }
            Thread.sleep(10);
        }
    }
}
