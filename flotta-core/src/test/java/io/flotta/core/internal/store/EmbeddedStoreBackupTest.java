package io.flotta.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreBackupTest {

    @TempDir
    Path dir;

    @Test
    void aBackupRestoresEveryResourceWithItsRevisionAndLastSeenTime() throws Exception {
        Resource web;
        Resource d1;
        Instant seen = Instant.parse("2026-01-02T03:04:05Z");
        try (EmbeddedStore store = EmbeddedStoreTest.open(dir.resolve("live"))) {
            d1 = store.create(EmbeddedStoreTest.device("d1"));
            web = store.create(Resource.of(Kind.DEPLOYMENT, "default", "web").withSpec("{\"device\":\"d1\"}"));
            d1 = store.updateStatus(d1.withStatus("{\"state\":\"online\"}"));
            store.recordLastSeen(d1.key(), seen);
            Thread.sleep(300); // the test store flushes last-seen times every 100 ms

            store.backup(dir.resolve("backup.db"));
        }

        Path restored = restore(dir.resolve("backup.db"), dir.resolve("restored"));
        try (EmbeddedStore store = EmbeddedStoreTest.open(restored)) {
            assertThat(store.list(Kind.DEVICE)).containsExactly(d1);
            assertThat(store.list(Kind.DEPLOYMENT)).containsExactly(web);
            assertThat(store.lastSeen()).containsEntry(d1.key(), seen);
            long next = Long.parseLong(store.create(EmbeddedStoreTest.device("d2")).revision());
            assertThat(next).isGreaterThan(Long.parseLong(d1.revision()));
        }
    }

    @Test
    void aBackupIntoADirectoryNotMadeYetCreatesIt() throws Exception {
        Path target = dir.resolve("backups/daily/flotta.db");
        try (EmbeddedStore store = EmbeddedStoreTest.open(dir.resolve("live"))) {
            Resource d1 = store.create(EmbeddedStoreTest.device("d1"));
            store.backup(target);

            try (EmbeddedStore restored = EmbeddedStoreTest.open(restore(target, dir.resolve("restored")))) {
                assertThat(restored.list(Kind.DEVICE)).containsExactly(d1);
            }
        }
    }

    @Test
    void aBackupTakenUnderWritesIsASnapshotOfCommittedWrites() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger created = new AtomicInteger();
        try (EmbeddedStore store = EmbeddedStoreTest.open(dir.resolve("live"))) {
            // one writer creating d0, d1, d2… in order: a consistent copy holds a prefix without gaps
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    int n = created.get();
                    Resource r = store.create(EmbeddedStoreTest.device(String.format("d%05d", n)));
                    store.updateStatus(r.withStatus("{\"n\":" + n + "}"));
                    created.incrementAndGet();
                }
            });
            writer.start();
            try {
                while (created.get() < 50) {
                    Thread.sleep(5);
                }
                store.backup(dir.resolve("backup.db"));
                int atBackupEnd = created.get();
                while (created.get() < atBackupEnd + 20) {
                    Thread.sleep(5);
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(store.list(Kind.DEVICE)).hasSize(created.get());
        }

        try (EmbeddedStore store = EmbeddedStoreTest.open(restore(dir.resolve("backup.db"), dir.resolve("restored")))) {
            List<Resource> devices = store.list(Kind.DEVICE).stream()
                    .sorted(Comparator.comparing(Resource::name)).toList();
            assertThat(devices.size()).isBetween(50, created.get() - 20);
            for (int i = 0; i < devices.size(); i++) {
                Resource d = devices.get(i);
                assertThat(d.name()).isEqualTo(String.format("d%05d", i));
                // the last one may be caught between its create and its status update, never torn
                if (i < devices.size() - 1) {
                    assertThat(d.status()).isEqualTo("{\"n\":" + i + "}");
                }
            }
            assertThat(store.get(new ResourceKey(Kind.DEVICE, "default", "d00000"))).isPresent();
        }
    }

    @Test
    void anExistingTargetIsRefusedAndLeftAlone() throws Exception {
        Path target = dir.resolve("backup.db");
        Files.writeString(target, "keep me");
        try (EmbeddedStore store = EmbeddedStoreTest.open(dir.resolve("live"))) {
            assertThatThrownBy(() -> store.backup(target))
                    .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT))
                    .hasMessageContaining(target.toString()).hasMessageContaining("exists");
        }
        assertThat(Files.readString(target)).isEqualTo("keep me");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).doesNotContain("backup.db.partial");
    }

    @Test
    void aClosedStoreRefusesToBackUp() {
        EmbeddedStore store = EmbeddedStoreTest.open(dir.resolve("live"));
        store.close();

        assertThatThrownBy(() -> store.backup(dir.resolve("backup.db")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.UNAVAILABLE));
        assertThat(dir.resolve("backup.db")).doesNotExist();
    }

    /** The documented restore: the backup becomes {@code flotta.db} of a store directory not in use. */
    private static Path restore(Path backup, Path directory) throws Exception {
        Files.createDirectories(directory);
        Files.copy(backup, directory.resolve(EmbeddedStoreSettings.DATABASE_FILE));
        return directory;
    }
}
