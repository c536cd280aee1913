package io.flotta.core.internal.store;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The one SQLite connection of an embedded store and the statements it runs. Not thread-safe: after
 * {@link #open} and {@link #load} it belongs to the store's writer thread.
 */
final class StoreDatabase implements AutoCloseable {

    /** Everything the store keeps in memory, as read at start. */
    record Contents(List<Resource> resources, Map<ResourceKey, Instant> lastSeen, long lastRevision) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(StoreDatabase.class);

    private final Connection connection;
    private final Statement control;
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement delete;
    private final PreparedStatement setLastRevision;
    private final PreparedStatement upsertLastSeen;

    private StoreDatabase(Connection connection) throws SQLException {
        this.connection = connection;
        this.control = connection.createStatement();
        this.insert = connection.prepareStatement("INSERT INTO resources"
                + " (labels, spec, status, revision, kind, namespace, name) VALUES (?, ?, ?, ?, ?, ?, ?)");
        this.update = connection.prepareStatement("UPDATE resources SET labels = ?, spec = ?, status = ?, revision = ?"
                + " WHERE kind = ? AND namespace = ? AND name = ?");
        this.delete = connection.prepareStatement("DELETE FROM resources WHERE kind = ? AND namespace = ? AND name = ?");
        this.setLastRevision = connection.prepareStatement("UPDATE revision_counter SET last_revision = ? WHERE id = 1");
        this.upsertLastSeen = connection.prepareStatement("INSERT INTO last_seen (kind, namespace, name, seen_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (kind, namespace, name) DO UPDATE SET seen_at = excluded.seen_at");
    }

    /** Opens (creating if needed) the database file and brings its schema up to date. */
    static StoreDatabase open(Path file, Duration busyTimeout, Schema schema) throws SQLException {
        Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            configure(connection, file, busyTimeout);
            int before = schema.migrate(connection, "the store database " + file);
            if (before != schema.latestVersion()) {
                LOG.info("Store database {}: schema migrated from version {} to {}", file, before,
                        schema.latestVersion());
            }
            return new StoreDatabase(connection);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void configure(Connection connection, Path file, Duration busyTimeout) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
            String journal = queryText(statement, "PRAGMA journal_mode = WAL");
            if (!"wal".equalsIgnoreCase(journal)) {
                // still durable (synchronous=FULL with a rollback journal), only slower
                LOG.warn("Store database {}: the file system refused WAL mode, using journal mode {}", file, journal);
            }
            // FULL: the WAL is synced on every commit, so an acknowledged write survives power loss.
            statement.execute("PRAGMA synchronous = FULL");
            statement.execute("PRAGMA foreign_keys = ON");
            if (!"2".equals(queryText(statement, "PRAGMA synchronous"))
                    || !"1".equals(queryText(statement, "PRAGMA foreign_keys"))) {
                throw new ConfigurationException("the store database " + file
                        + ": SQLite did not accept synchronous=FULL and foreign_keys=ON");
            }
        }
    }

    private static String queryText(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    Contents load() throws SQLException {
        List<Resource> resources = new ArrayList<>();
        Map<ResourceKey, Instant> lastSeen = new HashMap<>();
        long lastRevision;
        try (Statement statement = connection.createStatement()) {
            // one read transaction, so the three reads see the same state
            statement.execute("BEGIN");
            try {
                try (ResultSet rs = statement.executeQuery(
                        "SELECT kind, namespace, name, labels, spec, status, revision FROM resources")) {
                    while (rs.next()) {
                        resources.add(new Resource(kind(rs.getString(1)), rs.getString(2), rs.getString(3),
                                JsonText.decodeLabels(rs.getString(4)), rs.getString(5), rs.getString(6),
                                Long.toString(rs.getLong(7))));
                    }
                }
                try (ResultSet rs = statement.executeQuery("SELECT kind, namespace, name, seen_at FROM last_seen")) {
                    while (rs.next()) {
                        lastSeen.put(new ResourceKey(kind(rs.getString(1)), rs.getString(2), rs.getString(3)),
                                Instant.parse(rs.getString(4)));
                    }
                }
                try (ResultSet rs = statement.executeQuery(
                        "SELECT last_revision FROM revision_counter WHERE id = 1")) {
                    if (!rs.next()) {
                        throw new SQLException("the revision counter row is missing");
                    }
                    lastRevision = rs.getLong(1);
                }
            } finally {
                statement.execute("COMMIT");
            }
        }
        return new Contents(resources, lastSeen, lastRevision);
    }

    private static Kind kind(String name) {
        try {
            return Kind.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the store database holds a resource of unknown kind '" + name
                    + "'; it was written by a newer release of flotta-core", e);
        }
    }

    void begin() throws SQLException {
        control.execute("BEGIN IMMEDIATE");
    }

    void commit() throws SQLException {
        control.execute("COMMIT");
    }

    /**
     * Rolls back the open transaction. SQLite has already rolled back by itself after some errors
     * (e.g. SQLITE_FULL), so a failure here is expected and the original failure is what matters.
     */
    void rollbackQuietly() {
        try {
            control.execute("ROLLBACK");
        } catch (SQLException e) {
            LOG.debug("Rollback failed", e);
        }
    }

    void insert(Resource resource, long revision) throws SQLException {
        bindRow(insert, resource, revision);
        insert.executeUpdate();
    }

    void update(Resource resource, long revision) throws SQLException {
        bindRow(update, resource, revision);
        if (update.executeUpdate() != 1) {
            throw new SQLException("no row to update for " + resource.key());
        }
    }

    void delete(ResourceKey key) throws SQLException {
        bindKey(delete, 1, key);
        if (delete.executeUpdate() != 1) {
            throw new SQLException("no row to delete for " + key);
        }
    }

    void setLastRevision(long revision) throws SQLException {
        setLastRevision.setLong(1, revision);
        setLastRevision.executeUpdate();
    }

    void upsertLastSeen(ResourceKey key, Instant time) throws SQLException {
        bindKey(upsertLastSeen, 1, key);
        upsertLastSeen.setString(4, time.toString());
        upsertLastSeen.executeUpdate();
    }

    private static void bindRow(PreparedStatement statement, Resource resource, long revision) throws SQLException {
        statement.setString(1, JsonText.encodeLabels(resource.labels()));
        statement.setString(2, resource.spec());
        statement.setString(3, resource.status());
        statement.setLong(4, revision);
        bindKey(statement, 5, resource.key());
    }

    private static void bindKey(PreparedStatement statement, int first, ResourceKey key) throws SQLException {
        statement.setString(first, key.kind().name());
        statement.setString(first + 1, key.namespace());
        statement.setString(first + 2, key.name());
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
