package io.flotta.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flotta.k8s.model.EdgeDevice;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.store.StoreEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class KubernetesStoreIT {

    @RegisterExtension
    static final KubeCluster KUBE = new KubeCluster("store");

    static KubernetesStore store;

    @BeforeAll
    static void start() {
        store = KubernetesStore.start(KUBE.client(), KubernetesStoreSettings.namespace("default")
                .withLastSeenFlush(Duration.ofHours(1)));
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
    }

    private static ResourceKey key(Kind kind, String name) {
        return new ResourceKey(kind, "default", name);
    }

    @Test
    void createGetListAndRoundTripTheDocuments() {
        String spec = "{\"device\":\"d1\",\"pod\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"x\"}]}},\"n\":1.5}";
        String status = "{\"state\":\"online\",\"list\":[1,2,3]}";
        Resource created = store.create(new Resource(Kind.DEPLOYMENT, "default", "roundtrip", Map.of("app", "web"),
                spec, status, null));

        assertThat(created.revision()).isNotBlank();
        // the API server keeps objects' keys sorted: the documents round-trip as JSON values
        assertThat(json(created.spec())).isEqualTo(json(spec));
        assertThat(json(created.status())).isEqualTo(json(status));
        assertThat(store.get(created.key())).contains(created);
        assertThat(store.list(Kind.DEPLOYMENT)).extracting(Resource::name).contains("roundtrip");
        // the API server holds the same documents, seen by any other client
        assertThat(KUBE.kubectl("get", "edgedeployment", "roundtrip", "-o", "jsonpath={.spec.pod.spec.containers[0].name}"))
                .isEqualTo("web");
        assertThat(KUBE.kubectl("get", "edgedeployment", "roundtrip", "-o", "jsonpath={.status.state}"))
                .isEqualTo("online");
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void createOfAnExistingResourceConflicts() {
        store.create(Resource.of(Kind.ENROLMENT, "default", "twice"));

        assertThatThrownBy(() -> store.create(Resource.of(Kind.ENROLMENT, "default", "twice")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(FlottaException.Code.CONFLICT));
    }

    @Test
    void updateAndUpdateStatusCompareTheRevision() {
        Resource v1 = store.create(Resource.of(Kind.DEVICE, "default", "cas").withSpec("{\"a\":1}"));

        Resource v2 = store.update(v1.withLabels(Map.of("zone", "a")).withSpec("{\"a\":2}"));
        assertThat(v2.revision()).isNotEqualTo(v1.revision());
        assertThat(v2.labels()).containsEntry("zone", "a");
        assertThat(v2.spec()).isEqualTo("{\"a\":2}");

        assertThatThrownBy(() -> store.update(v1.withSpec("{\"a\":3}")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(FlottaException.Code.CONFLICT));
        assertThatThrownBy(() -> store.updateStatus(v1.withStatus("{\"state\":\"x\"}")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(FlottaException.Code.CONFLICT));

        Resource v3 = store.updateStatus(v2.withStatus("{\"state\":\"online\"}").withSpec("{\"ignored\":true}"));
        assertThat(v3.status()).isEqualTo("{\"state\":\"online\"}");
        assertThat(v3.spec()).as("updateStatus writes status only").isEqualTo("{\"a\":2}");
        assertThat(store.get(v3.key())).contains(v3);

        assertThatThrownBy(() -> store.update(v3.withRevision(null)))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(FlottaException.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> store.update(Resource.of(Kind.DEVICE, "default", "missing").withRevision("1")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(FlottaException.Code.NOT_FOUND));
    }

    @Test
    void deleteRemovesAndReportsWhetherItExisted() {
        Resource r = store.create(Resource.of(Kind.TOMBSTONE, "default", "gone").withSpec("{\"deletedAt\":\"2026-01-01T00:00:00Z\"}"));

        assertThat(store.delete(r.key())).isTrue();
        assertThat(store.get(r.key())).isEmpty();
        assertThat(store.list(Kind.TOMBSTONE)).extracting(Resource::name).doesNotContain("gone");
        assertThat(store.delete(r.key())).isFalse();
    }

    @Test
    void deleteOfAResourceAsReadComparesTheResourceVersion() {
        Resource read = store.create(Resource.of(Kind.TOMBSTONE, "default", "read").withSpec("{\"deletedAt\":\"2026-01-01T00:00:00Z\"}"));
        Resource changed = store.update(read.withSpec("{\"deletedAt\":\"2026-02-01T00:00:00Z\"}"));

        assertThatThrownBy(() -> store.delete(read))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(FlottaException.Code.CONFLICT));
        assertThat(store.get(read.key())).isPresent();
        assertThat(store.delete(changed)).isTrue();
        assertThat(store.get(read.key())).isEmpty();
        assertThat(store.delete(changed)).as("already gone").isFalse();
    }

    @Test
    void watchSeesChangesFromAnyWriter() throws Exception {
        BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
        try (AutoCloseable handle = store.watch(e -> {
            if (e.resource().name().equals("watched")) {
                events.add(e);
            }
        })) {
            Resource r = store.create(Resource.of(Kind.DEVICE_SET, "default", "watched").withSpec("{\"v\":1}"));
            assertEvent(events, StoreEvent.Type.ADDED, "{\"v\":1}");

            KUBE.kubectl("patch", "edgedeviceset", "watched", "--type", "merge", "-p", "{\"spec\":{\"v\":2}}");
            assertEvent(events, StoreEvent.Type.MODIFIED, "{\"v\":2}");

            KUBE.kubectl("delete", "edgedeviceset", "watched");
            assertEvent(events, StoreEvent.Type.DELETED, "{\"v\":2}");
            assertThat(store.get(r.key())).isEmpty();
        }
    }

    private static void assertEvent(BlockingQueue<StoreEvent> events, StoreEvent.Type type, String spec) throws InterruptedException {
        StoreEvent e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("a " + type + " event").isNotNull();
        assertThat(e.type()).isEqualTo(type);
        assertThat(e.resource().spec()).isEqualTo(spec);
    }

    @Test
    void lastSeenCostsNoWriteUntilFlushedAndSurvivesARestart() throws Exception {
        ResourceKey device = key(Kind.DEVICE, "seen");
        store.create(Resource.of(Kind.DEVICE, "default", "seen"));
        Thread.sleep(500);
        Instant t0 = Instant.parse("2026-11-26T10:00:00Z");

        long before = KUBE.etcdRevision();
        for (int i = 0; i < 100; i++) {
            store.recordLastSeen(device, t0.plusSeconds(i));
        }
        store.recordLastSeen(device, t0); // out of order: never moves back
        assertThat(KUBE.etcdRevision() - before).as("API-server writes for 100 heartbeats").isZero();
        assertThat(store.lastSeen()).containsEntry(device, t0.plusSeconds(99));

        assertThat(store.flushLastSeen()).isEqualTo(1);
        assertThat(store.flushLastSeen()).as("nothing new to write").isZero();
        assertThat(KUBE.client().resources(EdgeDevice.class).inNamespace("default").withName("seen").get()
                .getMetadata().getAnnotations()).containsEntry(KubernetesStore.LAST_SEEN_ANNOTATION, t0.plusSeconds(99).toString());

        try (KubernetesStore second = KubernetesStore.start(KUBE.client(), KubernetesStoreSettings.namespace("default")
                .withLastSeenFlush(Duration.ofHours(1)))) {
            assertThat(second.lastSeen()).containsEntry(device, t0.plusSeconds(99));
            second.recordLastSeen(device, t0.plusSeconds(500));
        }
        // closing wrote the pending time
        try (KubernetesStore third = KubernetesStore.start(KUBE.client(), KubernetesStoreSettings.namespace("default"))) {
            assertThat(third.lastSeen()).containsEntry(device, t0.plusSeconds(500));
        }
    }

    @Test
    void samplesApplyWithKubectlAndTheStoreReadsThem() {
        String out = KUBE.kubectl("apply", "-f", Path.of("src", "main", "resources", "samples").toAbsolutePath().toString());
        assertThat(out).contains("edgedeployment.management.project-flotta.io/sample-web created",
                "edgedevice.management.project-flotta.io/sample-device created");

        await(() -> store.get(key(Kind.DEPLOYMENT, "sample-web")).isPresent());
        assertThat(json(store.get(key(Kind.DEPLOYMENT, "sample-web")).orElseThrow().spec())
                .path("deviceSelector").path("matchExpressions").get(1).path("operator").asText()).isEqualTo("NotIn");
        await(() -> store.get(key(Kind.DEVICE, "sample-device")).isPresent());
        assertThat(store.get(key(Kind.DEVICE, "sample-device")).orElseThrow().labels()).containsEntry("zone", "north");
        await(() -> store.get(key(Kind.ENROLMENT, "sample-device")).isPresent());
        await(() -> store.get(key(Kind.DEVICE_SET, "sample-set")).isPresent());
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen in 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theCaIsCreatedOnceInASecretAndSharedByEveryInstance(@TempDir Path dir) {
        try (CertificateAuthority first = KubernetesCertificateAuthorityProvider.open(KUBE.client(), "default", "ca-test",
                ProviderConfig.of(dir.resolve("one")))) {
            assertThat(KUBE.kubectl("get", "secret", "ca-test", "-o", "jsonpath={.data}")).contains("ca.crt", "ca.key");
            IssuedCredential registration = first.issueRegistration(Duration.ofHours(1));

            try (CertificateAuthority second = KubernetesCertificateAuthorityProvider.open(KUBE.client(), "default", "ca-test",
                    ProviderConfig.of(dir.resolve("two")));
                 CertificateAuthority viaProvider = new KubernetesCertificateAuthorityProvider().create(new ProviderConfig(
                         dir.resolve("three"), Map.of(KubernetesStoreProvider.KUBECONFIG, KUBE.kubeconfig().toString(),
                         KubernetesCertificateAuthorityProvider.SECRET, "ca-test")))) {
                assertThat(second.trustAnchors()).isEqualTo(first.trustAnchors());
                assertThat(viaProvider.trustAnchors()).isEqualTo(first.trustAnchors());
                assertThat(second.issued(registration.chain().get(0))).isTrue();
                assertThat(first.issued(viaProvider.issueRegistration(Duration.ofHours(1)).chain().get(0))).isTrue();
            }
        }
        try (CertificateAuthority other = KubernetesCertificateAuthorityProvider.open(KUBE.client(), "default", "ca-other",
                ProviderConfig.of(dir.resolve("other")))) {
            assertThat(KUBE.kubectl("get", "secret", "ca-other", "-o", "name")).contains("ca-other");
        }
    }

    @Test
    void theShippedRbacGrantsWhatTheStoreAndTheCaNeed(@TempDir Path dir) throws Exception {
        KUBE.kubectl("apply", "-f", Path.of("deploy", "namespace.yaml").toAbsolutePath().toString());
        KUBE.kubectl("apply", "-f", Path.of("deploy", "rbac.yaml").toAbsolutePath().toString());
        String account = "system:serviceaccount:flotta:flotta-control-plane";
        assertThat(KUBE.kubectl("auth", "can-i", "--as", account, "-n", "flotta", "update", "leases").strip()).isEqualTo("yes");

        Config asAccount = new ConfigBuilder(Config.fromKubeconfig(null, KUBE.kubeconfig().toFile()))
                .withImpersonateUsername(account)
                .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:flotta", "system:authenticated")
                .build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(asAccount).build();
             KubernetesStore scoped = KubernetesStore.start(client, KubernetesStoreSettings.namespace("flotta"));
             CertificateAuthority ca = KubernetesCertificateAuthorityProvider.open(client, "flotta", "flotta-ca",
                     ProviderConfig.of(dir))) {
            Resource r = scoped.create(new Resource(Kind.DEVICE, "flotta", "rbac", Map.of(), "{}", "{\"state\":\"online\"}", null));
            r = scoped.update(r.withLabels(Map.of("a", "b")));
            r = scoped.updateStatus(r.withStatus("{\"state\":\"offline\"}"));
            scoped.recordLastSeen(r.key(), Instant.parse("2026-11-26T11:00:00Z"));
            assertThat(scoped.flushLastSeen()).isEqualTo(1);
            assertThat(scoped.delete(r.key())).isTrue();
            assertThat(ca.trustAnchors()).isNotEmpty();
            assertThatThrownBy(() -> client.resources(EdgeDevice.class).inNamespace("default").list())
                    .as("the role is namespaced").isInstanceOfSatisfying(KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(403));
        }
    }

    @Test
    void aStoreKeepsItsNamespace() {
        assertThatThrownBy(() -> store.create(Resource.of(Kind.DEVICE, "other", "x")))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(FlottaException.Code.INVALID_ARGUMENT));
    }

    @Test
    void theProviderBuildsAStoreFromAKubeconfig() {
        KubernetesStoreProvider provider = new KubernetesStoreProvider();
        assertThat(provider.name()).isEqualTo("k8s");
        assertThat(provider.priority()).isGreaterThan(1);
        try (var fromProvider = provider.create(new ProviderConfig(Path.of("target"),
                Map.of(KubernetesStoreProvider.KUBECONFIG, KUBE.kubeconfig().toString())))) {
            Resource r = store.create(Resource.of(Kind.DEVICE_SET, "default", "via-provider"));
            await(() -> fromProvider.get(r.key()).isPresent());
            assertThat(fromProvider.get(r.key())).contains(r);
            assertThat(fromProvider.list(Kind.DEVICE_SET)).extracting(Resource::name).contains("via-provider");
        }
        assertThatThrownBy(() -> provider.create(new ProviderConfig(Path.of("target"),
                Map.of(KubernetesStoreProvider.KUBECONFIG, "target/no-such-kubeconfig"))))
                .isInstanceOfSatisfying(FlottaException.class, e -> assertThat(e.code()).isEqualTo(FlottaException.Code.CONFIGURATION));
    }
}
