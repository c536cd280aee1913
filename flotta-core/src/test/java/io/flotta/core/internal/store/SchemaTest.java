package io.flotta.core.internal.store;

import static io.flotta.core.internal.store.EmbeddedStoreTest.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {

    @TempDir
    Path directory;

    private EmbeddedStoreSettings settings() {
        return EmbeddedStoreSettings.from(ProviderConfig.of(directory));
    }

    private List<Integer> appliedVersions() throws SQLException {
        List<Integer> versions = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("flotta.db"));
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        return versions;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("flotta.db"));
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The current migrations, then one more. */
    private static Schema withExtraMigration(String... statements) {
        List<Schema.Migration> all = new ArrayList<>(Schema.current().migrations());
        all.add(new Schema.Migration(all.size() + 1, "test extra", List.of(statements)));
        return new Schema(all);
    }

    @Test
    void aNewDatabaseGetsEveryMigration() throws Exception {
        EmbeddedStore.open(settings(), Schema.current()).close();

        assertThat(appliedVersions()).containsExactly(1);
    }

    @Test
    void aDatabaseWrittenByANewerReleaseIsRefusedAndLeftAlone() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(settings(), Schema.current())) {
            store.create(device("d1"));
        }
        execute("INSERT INTO schema_version (version, description, applied_at) VALUES (7, 'future', 'x')");

        assertThatThrownBy(() -> EmbeddedStore.open(settings(), Schema.current()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("schema version 7")
                .hasMessageContaining("knows versions up to 1")
                .hasMessageContaining(directory.resolve("flotta.db").toString());
        assertThat(appliedVersions()).containsExactly(1, 7);

        // the failed open released the directory
        execute("DELETE FROM schema_version WHERE version = 7");
        try (EmbeddedStore store = EmbeddedStore.open(settings(), Schema.current())) {
            assertThat(store.list(Kind.DEVICE)).extracting(Resource::name).containsExactly("d1");
        }
    }

    @Test
    void reopeningAppliesOnlyTheMissingMigrationsAndKeepsTheData() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(settings(), Schema.current())) {
            store.create(device("d1"));
        }

        Schema next = withExtraMigration("CREATE TABLE extra (id INTEGER PRIMARY KEY)",
                "INSERT INTO extra (id) VALUES (42)");
        try (EmbeddedStore store = EmbeddedStore.open(settings(), next)) {
            assertThat(store.list(Kind.DEVICE)).extracting(Resource::name).containsExactly("d1");
        }
        // a second open must not run the migration again (the INSERT would fail on the primary key)
        EmbeddedStore.open(settings(), next).close();

        assertThat(appliedVersions()).containsExactly(1, 2);
    }

    @Test
    void aFailingMigrationChangesNothing() throws Exception {
        EmbeddedStore.open(settings(), Schema.current()).close();

        Schema broken = withExtraMigration("CREATE TABLE half_done (id INTEGER)", "THIS IS NOT SQL");
        assertThatThrownBy(() -> EmbeddedStore.open(settings(), broken))
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining("opening the store database");

        assertThat(appliedVersions()).containsExactly(1);
        // the table of the failed migration's first statement was rolled back too
        execute("CREATE TABLE half_done (id INTEGER)");
    }

    @Test
    void migrationsMustBeNumberedFromOneWithoutGaps() {
        assertThatThrownBy(() -> new Schema(List.of(new Schema.Migration(2, "gap", List.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("migrations:");
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedWithItsPath() throws Exception {
        Files.writeString(directory.resolve("flotta.db"), "not a database, just text ".repeat(100));

        assertThatThrownBy(() -> EmbeddedStore.open(ProviderConfig.of(directory)))
                .isInstanceOfSatisfying(FlottaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FlottaException.Code.INTERNAL);
                    assertThat(e.getMessage()).contains(directory.resolve("flotta.db").toString());
                    assertThat(e.getCause()).isInstanceOf(SQLException.class);
                });
    }

    @Test
    void settingsAreReadFromTheProviderConfig() {
        EmbeddedStoreSettings settings = EmbeddedStoreSettings.from(new ProviderConfig(directory,
                Map.of(EmbeddedStoreSettings.LAST_SEEN_FLUSH, "PT2S", EmbeddedStoreSettings.BUSY_TIMEOUT, "PT0.5S")));

        assertThat(settings.lastSeenFlushInterval()).hasSeconds(2);
        assertThat(settings.busyTimeout()).hasMillis(500);
        assertThat(settings.databaseFile()).isEqualTo(directory.resolve("flotta.db"));
    }
}
