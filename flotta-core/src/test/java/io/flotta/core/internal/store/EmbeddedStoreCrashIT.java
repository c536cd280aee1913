package io.flotta.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability against a real {@code kill -9}: a child JVM writes and reports each acknowledged write,
 * is killed with SIGKILL mid-stream, and every write it reported must be in the database, which
 * must be intact. A killed process loses nothing that reached the kernel, so this proves the store
 * acknowledges only committed writes and recovers its WAL; surviving power loss rests on
 * synchronous=FULL, which a kill cannot show.
 */
class EmbeddedStoreCrashIT {

    private static final int SIGKILL_EXIT = 128 + 9;
    private static final int[] KILL_AFTER = {250, 400, 600};
    private static final int WRITER_THREADS = 4;

    @TempDir
    Path work;

    @Test
    void everyAcknowledgedWriteSurvivesKillMinus9() throws Exception {
        Path directory = work.resolve("store");
        Map<String, String> createdRevisions = new HashMap<>();
        Map<String, String> statusRevisions = new HashMap<>();

        for (int round = 0; round < KILL_AFTER.length; round++) {
            List<String> lines = runAndKill(directory, "r" + round, KILL_AFTER[round]);
            assertThat(lines.size()).as("acknowledged writes in round %d", round).isGreaterThanOrEqualTo(KILL_AFTER[round]);
            for (String line : lines) {
                String[] parts = line.split(" ");
                assertThat(parts).as("line '%s'", line).hasSize(3);
                (parts[0].equals("C") ? createdRevisions : statusRevisions).put(parts[1], parts[2]);
            }

            assertConsistent(directory);
            try (EmbeddedStore store = EmbeddedStoreTest.open(directory)) {
                Map<String, Resource> stored = new HashMap<>();
                store.list(Kind.DEVICE).forEach(r -> stored.put(r.name(), r));
                for (Map.Entry<String, String> created : createdRevisions.entrySet()) {
                    Resource resource = stored.get(created.getKey());
                    assertThat(resource).as("acknowledged create of %s", created.getKey()).isNotNull();
                    String index = created.getKey().substring(created.getKey().lastIndexOf('-') + 1);
                    assertThat(resource.spec()).isEqualTo("{\"i\":" + index + "}");
                    assertThat(Long.parseLong(resource.revision()))
                            .isGreaterThanOrEqualTo(Long.parseLong(created.getValue()));
                }
                for (Map.Entry<String, String> status : statusRevisions.entrySet()) {
                    Resource resource = stored.get(status.getKey());
                    String index = status.getKey().substring(status.getKey().lastIndexOf('-') + 1);
                    assertThat(resource.status()).as("acknowledged status of %s", status.getKey())
                            .isEqualTo("{\"acked\":" + index + "}");
                    assertThat(resource.revision()).isEqualTo(status.getValue());
                }
                // the store still works after recovery
                Resource after = store.create(Resource.of(Kind.DEVICE, "crash", "after-" + round));
                assertThat(Long.parseLong(after.revision())).isGreaterThan(stored.values().stream()
                        .mapToLong(r -> Long.parseLong(r.revision())).max().orElse(0));
                store.recordLastSeen(new ResourceKey(Kind.DEVICE, "crash", "after-" + round),
                        java.time.Instant.now());
            }
        }
        assertThat(createdRevisions.size()).isGreaterThanOrEqualTo(KILL_AFTER.length * 100);
    }

    /** Starts the writer process, kills it after {@code killAfter} acknowledged writes, returns every acknowledged line. */
    private List<String> runAndKill(Path directory, String prefix, int killAfter) throws Exception {
        Path stderr = work.resolve(prefix + ".stderr");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                EmbeddedStoreCrashChild.class.getName(), directory.toString(), prefix,
                Integer.toString(WRITER_THREADS))
                .redirectError(stderr.toFile())
                .start();
        child.getOutputStream().close();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readCompleteLines(child.getInputStream(), lines), "crash-child-stdout");
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (lines.size() < killAfter && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(child.isAlive()).as("writer process alive before the kill; stderr:%n%s", read(stderr)).isTrue();
            assertThat(lines.size()).as("acknowledged writes within 120 s; stderr:%n%s", read(stderr))
                    .isGreaterThanOrEqualTo(killAfter);

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("exit code of a process killed by SIGKILL").isEqualTo(SIGKILL_EXIT);
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(reader.isAlive()).isFalse();
            return new ArrayList<>(lines);
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    /** Keeps only lines ending in a newline: a line cut by the kill was never fully reported. */
    private static void readCompleteLines(InputStream in, List<String> lines) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(buffer[i]);
                    }
                }
            }
        } catch (IOException e) {
            // the pipe broke with the process: what was read so far is all there is
        }
    }

    private static void assertConsistent(Path directory) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("flotta.db"));
                Statement statement = connection.createStatement()) {
            assertThat(queryAll(statement, "PRAGMA integrity_check")).containsExactly("ok");
            assertThat(queryAll(statement, "PRAGMA foreign_key_check")).isEmpty();
            long counter = Long.parseLong(queryAll(statement, "SELECT last_revision FROM revision_counter").get(0));
            long highest = Long.parseLong(queryAll(statement, "SELECT COALESCE(MAX(revision), 0) FROM resources").get(0));
            assertThat(counter).as("revision counter").isGreaterThanOrEqualTo(highest);
            assertThat(queryAll(statement, "SELECT COUNT(*) - COUNT(DISTINCT revision) FROM resources"))
                    .containsExactly("0");
        }
    }

    private static List<String> queryAll(Statement statement, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
