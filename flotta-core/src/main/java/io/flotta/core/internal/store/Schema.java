package io.flotta.core.internal.store;

import io.flotta.spi.ConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * The embedded store's database schema as an ordered list of migrations. A database remembers every
 * migration applied to it in {@code schema_version}; opening applies the missing ones in one
 * transaction and refuses a database written by a newer version of the code, which could hold data
 * this version would misread or destroy.
 */
final class Schema {

    /** One step of the schema; {@code version} numbers start at 1 and have no gaps. */
    record Migration(int version, String description, List<String> statements) {

        Migration {
            if (version < 1) {
                throw new IllegalArgumentException("version: must be at least 1, was " + version);
            }
            statements = List.copyOf(statements);
        }
    }

    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "resources, last-seen times and the revision counter", List.of(
                    """
                    CREATE TABLE resources (
                        kind      TEXT    NOT NULL,
                        namespace TEXT    NOT NULL,
                        name      TEXT    NOT NULL,
                        labels    TEXT    NOT NULL,
                        spec      TEXT    NOT NULL,
                        status    TEXT    NOT NULL,
                        revision  INTEGER NOT NULL UNIQUE,
                        PRIMARY KEY (kind, namespace, name)
                    )""",
                    """
                    CREATE TABLE last_seen (
                        kind      TEXT NOT NULL,
                        namespace TEXT NOT NULL,
                        name      TEXT NOT NULL,
                        seen_at   TEXT NOT NULL,
                        PRIMARY KEY (kind, namespace, name),
                        FOREIGN KEY (kind, namespace, name)
                            REFERENCES resources (kind, namespace, name) ON DELETE CASCADE
                    )""",
                    // Kept apart from the resources so that deleting the newest resource can never
                    // hand out its revision again after a restart.
                    """
                    CREATE TABLE revision_counter (
                        id            INTEGER PRIMARY KEY CHECK (id = 1),
                        last_revision INTEGER NOT NULL
                    )""",
                    "INSERT INTO revision_counter (id, last_revision) VALUES (1, 0)")));

    private final List<Migration> migrations;

    Schema(List<Migration> migrations) {
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migrations: expected version " + (i + 1) + " at position " + i
                        + ", found " + migrations.get(i).version());
            }
        }
        this.migrations = List.copyOf(migrations);
    }

    static Schema current() {
        return new Schema(MIGRATIONS);
    }

    List<Migration> migrations() {
        return migrations;
    }

    int latestVersion() {
        return migrations.size();
    }

    /**
     * Brings the database to {@link #latestVersion()}, all or nothing.
     *
     * @param description names the database in error messages
     * @return the version the database had before
     */
    int migrate(Connection connection, String description) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                statement.execute("""
                        CREATE TABLE IF NOT EXISTS schema_version (
                            version     INTEGER PRIMARY KEY,
                            description TEXT NOT NULL,
                            applied_at  TEXT NOT NULL
                        )""");
                int found;
                try (ResultSet rs = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                    rs.next();
                    found = rs.getInt(1);
                }
                if (found > latestVersion()) {
                    throw new ConfigurationException(description + " has schema version " + found
                            + " but this version of flotta-core knows versions up to " + latestVersion()
                            + "; it was written by a newer release: run that release or restore a backup");
                }
                try (PreparedStatement record = connection.prepareStatement(
                        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                    for (Migration migration : migrations.subList(found, migrations.size())) {
                        for (String sql : migration.statements()) {
                            statement.execute(sql);
                        }
                        record.setInt(1, migration.version());
                        record.setString(2, migration.description());
                        record.setString(3, Instant.now().toString());
                        record.executeUpdate();
                    }
                }
                statement.execute("COMMIT");
                committed = true;
                return found;
            } finally {
                if (!committed) {
                    rollbackQuietly(statement);
                }
            }
        }
    }

    private static void rollbackQuietly(Statement statement) {
        try {
            statement.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the original failure is what the caller needs to see
        }
    }
}
