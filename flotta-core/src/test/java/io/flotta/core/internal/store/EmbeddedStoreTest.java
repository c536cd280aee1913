package io.flotta.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreTest {

    @TempDir
    Path directory;

    private EmbeddedStore store;

    @BeforeEach
    void open() {
        store = open(directory);
    }

    @AfterEach
    void close() {
        store.close();
    }

    static EmbeddedStore open(Path directory) {
        return EmbeddedStore.open(new ProviderConfig(directory,
                Map.of(EmbeddedStoreSettings.LAST_SEEN_FLUSH, "PT0.1S")));
    }

    static Resource device(String name) {
        return new Resource(Kind.DEVICE, "default", name, Map.of("site", "a"), "{\"os\":\"x\"}", "{}", null);
    }

    private void reopen() {
        store.close();
        store = open(directory);
    }

    @Test
    void createReturnsTheStoredResourceWithARevisionAndGetReadsIt() {
        Resource created = store.create(device("d1"));

        assertThat(created.revision()).isNotNull();
        assertThat(created.withRevision(null)).isEqualTo(device("d1"));
        assertThat(store.get(created.key())).contains(created);
        assertThat(store.get(new ResourceKey(Kind.DEVICE, "default", "other"))).isEmpty();
        assertThat(store.get(new ResourceKey(Kind.DEPLOYMENT, "default", "d1"))).isEmpty();
    }

    @Test
    void createIgnoresARevisionTheCallerCarriedOver() {
        Resource created = store.create(device("d1").withRevision("12345"));

        assertThat(created.revision()).isNotEqualTo("12345");
    }

    @Test
    void revisionsComeFromOneIncreasingCounterAcrossResourcesAndKinds() {
        long a = Long.parseLong(store.create(device("a")).revision());
        long b = Long.parseLong(store.create(Resource.of(Kind.DEPLOYMENT, "default", "web")).revision());
        Resource c = store.create(device("c"));
        long cUpdated = Long.parseLong(store.updateStatus(c.withStatus("{\"phase\":\"up\"}")).revision());

        assertThat(b).isGreaterThan(a);
        assertThat(Long.parseLong(c.revision())).isGreaterThan(b);
        assertThat(cUpdated).isGreaterThan(Long.parseLong(c.revision()));
    }

    @Test
    void listReturnsOneKindSortedByNamespaceAndName() {
        store.create(device("b"));
        store.create(new Resource(Kind.DEVICE, "alpha", "z", null, null, null, null));
        store.create(device("a"));
        store.create(Resource.of(Kind.ENROLMENT, "default", "a"));

        assertThat(store.list(Kind.DEVICE)).extracting(r -> r.namespace() + "/" + r.name())
                .containsExactly("alpha/z", "default/a", "default/b");
        assertThat(store.list(Kind.ENROLMENT)).extracting(Resource::name).containsExactly("a");
        assertThat(store.list(Kind.TOMBSTONE)).isEmpty();
    }

    @Test
    void createOfAnExistingResourceIsAConflict() {
        store.create(device("d1"));

        assertThatThrownBy(() -> store.create(device("d1").withSpec("{\"other\":1}")))
                .isInstanceOfSatisfying(FlottaException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.CONFLICT);
                    assertThat(e.getMessage()).contains("device default/d1", "already exists");
                });
        assertThat(store.get(device("d1").key()).orElseThrow().spec()).isEqualTo("{\"os\":\"x\"}");
    }

    @Test
    void updateReplacesLabelsAndSpecButNotStatus() {
        Resource created = store.create(device("d1").withStatus("{\"phase\":\"new\"}"));

        Resource updated = store.update(created.withLabels(Map.of("site", "b", "tier", "edge"))
                .withSpec("{\"os\":\"y\"}").withStatus("{\"phase\":\"ignored\"}"));

        assertThat(updated.labels()).isEqualTo(Map.of("site", "b", "tier", "edge"));
        assertThat(updated.spec()).isEqualTo("{\"os\":\"y\"}");
        assertThat(updated.status()).isEqualTo("{\"phase\":\"new\"}");
        assertThat(updated.revision()).isNotEqualTo(created.revision());
        assertThat(store.get(created.key())).contains(updated);
    }

    @Test
    void updateStatusReplacesStatusButNotLabelsOrSpec() {
        Resource created = store.create(device("d1"));

        Resource updated = store.updateStatus(created.withLabels(Map.of()).withSpec("{\"ignored\":true}")
                .withStatus("{\"phase\":\"running\"}"));

        assertThat(updated.labels()).isEqualTo(Map.of("site", "a"));
        assertThat(updated.spec()).isEqualTo("{\"os\":\"x\"}");
        assertThat(updated.status()).isEqualTo("{\"phase\":\"running\"}");
        assertThat(store.get(created.key())).contains(updated);
    }

    @Test
    void updatesWithAStaleRevisionAreConflictsAndChangeNothing() {
        Resource first = store.create(device("d1"));
        Resource second = store.updateStatus(first.withStatus("{\"n\":1}"));

        assertThatThrownBy(() -> store.update(first.withSpec("{\"os\":\"stale\"}")))
                .isInstanceOfSatisfying(FlottaException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.CONFLICT);
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).contains(first.revision(), second.revision());
                });
        assertThatThrownBy(() -> store.updateStatus(first.withStatus("{\"n\":2}")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.CONFLICT));
        assertThatThrownBy(() -> store.update(first.withRevision("not-a-number")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.CONFLICT));
        assertThat(store.get(first.key())).contains(second);
    }

    @Test
    void updatesOfAMissingResourceAreNotFound() {
        Resource ghost = device("ghost").withRevision("1");

        assertThatThrownBy(() -> store.update(ghost))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.NOT_FOUND));
        assertThatThrownBy(() -> store.updateStatus(ghost))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.NOT_FOUND));
    }

    @Test
    void updatesWithoutARevisionAreRejected() {
        Resource created = store.create(device("d1"));

        assertThatThrownBy(() -> store.update(created.withRevision(null)))
                .isInstanceOfSatisfying(FlottaException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("revision:");
                });
    }

    @Test
    void anUpdateThatChangesNothingKeepsTheRevision() {
        Resource created = store.create(device("d1"));

        assertThat(store.update(created)).isEqualTo(created);
        assertThat(store.updateStatus(created)).isEqualTo(created);
        assertThat(store.update(created.withLabels(Map.of("site", "a")))).isEqualTo(created);
    }

    @Test
    void specAndStatusMustBeJsonObjects() {
        Resource created = store.create(device("d1"));

        assertThatThrownBy(() -> store.create(device("d2").withSpec("[1,2]")))
                .isInstanceOfSatisfying(FlottaException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("spec:");
                });
        assertThatThrownBy(() -> store.create(device("d2").withStatus("{\"a\":")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.getMessage()).startsWith("status:"));
        assertThatThrownBy(() -> store.update(created.withSpec("{} {}")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.getMessage()).startsWith("spec:"));
        assertThatThrownBy(() -> store.updateStatus(created.withStatus("nope")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.getMessage()).startsWith("status:"));
        assertThat(store.list(Kind.DEVICE)).containsExactly(created);
    }

    @Test
    void specAndStatusAreKeptVerbatim() {
        String spec = "{ \"b\" : 1,\n  \"a\" : [ \"x\" ] , \"unicode\": \"\\u00e9 é\" }";

        Resource created = store.create(device("d1").withSpec(spec));
        reopen();

        assertThat(created.spec()).isEqualTo(spec);
        assertThat(store.get(created.key()).orElseThrow().spec()).isEqualTo(spec);
    }

    @Test
    void namespaceAndNameMustNotBeBlank() {
        assertThatThrownBy(() -> store.create(new Resource(Kind.DEVICE, " ", "d", null, null, null, null)))
                .isInstanceOfSatisfying(FlottaException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("namespace:");
                });
        assertThatThrownBy(() -> store.create(new Resource(Kind.DEVICE, "default", "", null, null, null, null)))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.getMessage()).startsWith("name:"));
    }

    @Test
    void deleteRemovesTheResourceAndReportsWhetherItExisted() {
        Resource created = store.create(device("d1"));

        assertThat(store.delete(created.key())).isTrue();
        assertThat(store.get(created.key())).isEmpty();
        assertThat(store.delete(created.key())).isFalse();
        assertThat(store.delete(new ResourceKey(Kind.DEPLOYMENT, "default", "never"))).isFalse();
    }

    @Test
    void deleteOfAResourceAsReadComparesTheRevision() {
        Resource read = store.create(device("d1"));
        Resource changed = store.updateStatus(read.withStatus("{\"state\":\"online\"}"));

        assertThatThrownBy(() -> store.delete(read))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.CONFLICT));
        assertThat(store.get(read.key())).contains(changed);
        assertThatThrownBy(() -> store.delete(changed.withRevision(null)))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_ARGUMENT));
        assertThat(store.delete(changed)).isTrue();
        assertThat(store.get(read.key())).isEmpty();
        assertThat(store.delete(changed)).as("already gone").isFalse();
    }

    @Test
    void aRecreatedResourceNeverGetsARevisionSeenBeforeEvenAfterARestart() {
        Resource first = store.create(device("d1"));
        store.delete(first.key());
        reopen();

        Resource second = store.create(device("d1"));

        assertThat(Long.parseLong(second.revision())).isGreaterThan(Long.parseLong(first.revision()));
        assertThatThrownBy(() -> store.update(first.withSpec("{\"from\":\"the old one\"}")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.CONFLICT));
    }

    @Test
    void everythingSurvivesAReopen() {
        Resource a = store.create(device("a"));
        Resource b = store.updateStatus(store.create(device("b")).withStatus("{\"phase\":\"up\"}"));
        Resource c = store.create(Resource.of(Kind.DEVICE_SET, "ns", "set"));
        store.delete(c.key());

        reopen();

        assertThat(store.list(Kind.DEVICE)).containsExactly(a, b);
        assertThat(store.list(Kind.DEVICE_SET)).isEmpty();
        Resource d = store.create(device("d"));
        assertThat(Long.parseLong(d.revision())).isGreaterThan(Long.parseLong(b.revision()));
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        assertThatThrownBy(() -> open(directory))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("in use by another embedded store");

        store.close();
        store = open(directory);
        assertThat(store.list(Kind.DEVICE)).isEmpty();
    }

    @Test
    void aClosedStoreIsUnavailableAndClosingTwiceIsHarmless() {
        store.create(device("d1"));
        store.close();
        store.close();

        assertThatThrownBy(() -> store.get(device("d1").key()))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.UNAVAILABLE));
        assertThatThrownBy(() -> store.create(device("d2")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(Code.UNAVAILABLE));
    }

    @Test
    void aMissingDirectoryIsCreated() {
        Path nested = directory.resolve("a/b/c");

        try (EmbeddedStore other = open(nested)) {
            other.create(device("d1"));
        }

        assertThat(nested.resolve("flotta.db")).exists();
    }

    @Test
    void badSettingsNameTheProperty() {
        assertThatThrownBy(() -> EmbeddedStore.open(new ProviderConfig(directory.resolve("x"),
                Map.of(EmbeddedStoreSettings.LAST_SEEN_FLUSH, "5 seconds"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(EmbeddedStoreSettings.LAST_SEEN_FLUSH);
        assertThatThrownBy(() -> EmbeddedStore.open(new ProviderConfig(directory.resolve("x"),
                Map.of(EmbeddedStoreSettings.BUSY_TIMEOUT, "PT0S"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(EmbeddedStoreSettings.BUSY_TIMEOUT);
        assertThatThrownBy(() -> EmbeddedStore.open(new ProviderConfig(null, Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("directory:");
    }

    @Test
    void aDatabaseLockedByAnotherProgramMakesWritesUnavailableUntilItLetsGo() throws Exception {
        store.close();
        store = EmbeddedStore.open(new ProviderConfig(directory, Map.of(EmbeddedStoreSettings.BUSY_TIMEOUT, "PT0.2S")));
        try (Connection intruder = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("flotta.db"));
                Statement statement = intruder.createStatement()) {
            statement.execute("BEGIN EXCLUSIVE");

            assertThatThrownBy(() -> store.create(device("d1")))
                    .isInstanceOfSatisfying(FlottaException.class, e -> {
                        assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
                        assertThat(e.getCause()).isInstanceOf(SQLException.class);
                    });
            assertThat(store.list(Kind.DEVICE)).isEmpty();

            statement.execute("ROLLBACK");
        }
        Resource created = store.create(device("d1"));
        assertThat(store.list(Kind.DEVICE)).containsExactly(created);
    }
}
