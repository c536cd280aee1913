package io.flotta.core.internal.store;

import static io.flotta.core.internal.store.EmbeddedStoreTest.device;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.ResourceKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreLastSeenTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");

    @TempDir
    Path directory;

    private EmbeddedStore store;

    @BeforeEach
    void open() {
        store = EmbeddedStoreTest.open(directory);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Reads the table directly, as a second (WAL) reader beside the open store. */
    static Map<ResourceKey, Instant> persistedLastSeen(Path directory) throws SQLException {
        Map<ResourceKey, Instant> times = new HashMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("flotta.db"));
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT kind, namespace, name, seen_at FROM last_seen")) {
            while (rs.next()) {
                times.put(new ResourceKey(Kind.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3)),
                        Instant.parse(rs.getString(4)));
            }
        }
        return times;
    }

    @Test
    void recordedTimesAreVisibleAtOnce() {
        ResourceKey d1 = store.create(device("d1")).key();
        ResourceKey d2 = store.create(device("d2")).key();
        store.create(device("d3"));

        store.recordLastSeen(d1, T0);
        store.recordLastSeen(d2, T0.plusSeconds(1));

        assertThat(store.lastSeen()).isEqualTo(Map.of(d1, T0, d2, T0.plusSeconds(1)));
    }

    @Test
    void anEarlierTimeDoesNotReplaceALaterOne() {
        ResourceKey d1 = store.create(device("d1")).key();

        store.recordLastSeen(d1, T0.plusSeconds(10));
        store.recordLastSeen(d1, T0);

        assertThat(store.lastSeen()).isEqualTo(Map.of(d1, T0.plusSeconds(10)));
    }

    @Test
    void timesOfUnknownResourcesAreIgnored() {
        store.recordLastSeen(new ResourceKey(Kind.DEVICE, "default", "ghost"), T0);

        assertThat(store.lastSeen()).isEmpty();
    }

    @Test
    void timesArePersistedInTheBackgroundWithoutAnyOtherWrite() throws Exception {
        ResourceKey d1 = store.create(device("d1")).key();

        store.recordLastSeen(d1, T0);

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!persistedLastSeen(directory).equals(Map.of(d1, T0)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(persistedLastSeen(directory)).isEqualTo(Map.of(d1, T0));
    }

    @Test
    void timesSurviveCloseAndReopenWithFullPrecision() {
        ResourceKey d1 = store.create(device("d1")).key();
        ResourceKey d2 = store.create(device("d2")).key();
        store.recordLastSeen(d1, T0);
        store.recordLastSeen(d2, T0.plusNanos(1));
        // a long interval: only close() can have written them
        store.close();
        store = EmbeddedStore.open(new ProviderConfig(directory,
                Map.of(EmbeddedStoreSettings.LAST_SEEN_FLUSH, "PT1H")));
        store.recordLastSeen(d1, T0.plusSeconds(60));
        store.close();

        store = EmbeddedStoreTest.open(directory);

        assertThat(store.lastSeen()).isEqualTo(Map.of(d1, T0.plusSeconds(60), d2, T0.plusNanos(1)));
    }

    @Test
    void deletingAResourceForgetsItsTime() throws Exception {
        ResourceKey d1 = store.create(device("d1")).key();
        store.recordLastSeen(d1, T0);
        store.close();
        store = EmbeddedStoreTest.open(directory);

        store.delete(d1);
        store.create(device("d1"));

        assertThat(store.lastSeen()).isEmpty();
        assertThat(persistedLastSeen(directory)).isEmpty();
        store.close();
        store = EmbeddedStoreTest.open(directory);
        assertThat(store.lastSeen()).isEmpty();
    }
}
