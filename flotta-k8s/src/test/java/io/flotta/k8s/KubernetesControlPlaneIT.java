package io.flotta.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.core.testkit.TestControlPlane.Device;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.core.pki.Keys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control-plane engine on the Kubernetes store, driven by device calls on one side and by
 * {@code kubectl} on the other, against a real API server.
 */
class KubernetesControlPlaneIT {

    @RegisterExtension
    static final KubeCluster KUBE = new KubeCluster("control-plane");

    @TempDir
    Path dir;

    TestControlPlane t;

    @BeforeEach
    void start() {
        KubernetesStore store = KubernetesStore.start(KUBE.client(),
                KubernetesStoreSettings.namespace("default").withLastSeenFlush(Duration.ofHours(1)));
        t = new TestControlPlane(store, dir, ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(60)).build(),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void pairingCreatesAnEdgeDeviceThatKubectlListsWithItsColumns() {
        t.pair("dev-listed");

        String table = await(() -> KUBE.kubectl("get", "edgedevices"), out -> out.contains("dev-listed"));
        String header = table.lines().findFirst().orElseThrow();
        assertThat(header).contains("NAME", "STATE", "AGENT", "VERSION", "REGISTERED", "AGE");
        assertThat(table.lines().filter(l -> l.startsWith("dev-listed")).findFirst().orElseThrow()).contains("online");
        assertThat(KUBE.kubectl("get", "edgedevicesignedrequests", "dev-listed", "-o", "name"))
                .contains("edgedevicesignedrequest");
        assertThat(KUBE.kubectl("get", "edgedevice", "dev-listed", "-o", "jsonpath={.status.hardware.hostname}"))
                .isEqualTo("test-host");
    }

    @Test
    void kubectlAppliedDeploymentReachesExactlyTheSelectedDevicesAndFollowsLabels() {
        Device north = t.pair("dev-north");
        Device south = t.pair("dev-south");
        Device east = t.pair("dev-east");
        KUBE.kubectl("label", "edgedevice", "dev-north", "zone=north", "tier=edge");
        KUBE.kubectl("label", "edgedevice", "dev-south", "zone=south", "tier=edge");
        KUBE.kubectl("label", "edgedevice", "dev-east", "zone=east", "tier=core");

        long applied = System.nanoTime();
        KUBE.kubectlWithInput("""
                apiVersion: management.project-flotta.io/v1alpha1
                kind: EdgeDeployment
                metadata:
                  name: web
                  namespace: default
                spec:
                  type: pod
                  deviceSelector:
                    matchLabels:
                      tier: edge
                    matchExpressions:
                    - {key: zone, operator: In, values: [north, east]}
                    - {key: zone, operator: NotIn, values: [south]}
                  pod:
                    spec:
                      containers:
                      - name: web
                        image: localhost/flotta/httpd:latest
                """, "apply", "-f", "-");

        await(() -> workloadNames(north), names -> names.equals(List.of("web")));
        long toConfiguration = System.nanoTime() - applied;
        await(() -> phases("dev-north"), p -> p.equals(List.of("web=Deploying")));
        assertThat(workloadNames(south)).isEmpty();
        assertThat(workloadNames(east)).as("tier=core is not selected").isEmpty();
        assertThat(phases("dev-south")).isEmpty();
        System.out.printf("kubectl apply -> device configuration updated: %d ms%n", toConfiguration / 1_000_000);

        KUBE.kubectl("label", "edgedevice", "dev-north", "zone=south", "--overwrite");
        await(() -> workloadNames(north), List::isEmpty);
        await(() -> phases("dev-north"), List::isEmpty);

        KUBE.kubectl("label", "edgedevice", "dev-east", "tier=edge", "--overwrite");
        await(() -> workloadNames(east), names -> names.equals(List.of("web")));
        assertThat(KUBE.kubectl("get", "edgedevice", "dev-east", "-o", "jsonpath={.status.workloads[0].phase}"))
                .isEqualTo("Deploying");

        // deleting the deployment detaches it from every device
        KUBE.kubectl("delete", "edgedeployment", "web");
        await(() -> workloadNames(east), List::isEmpty);
        await(() -> phases("dev-east"), List::isEmpty);
    }

    @Test
    void kubectlDeleteOfADeviceDisconnectsItsAgentAndRemovesItsRequest() {
        Device device = t.pair("dev-gone");
        assertThat(t.call(Route.CONTROL_IN, "dev-gone", device.chain(), null).body()).isEmpty();

        KUBE.kubectl("delete", "edgedevice", "dev-gone");

        JsonNode message = await(() -> {
            DeviceResponse r = t.call(Route.CONTROL_IN, "dev-gone", device.chain(), null);
            return r.body().length == 0 ? JsonNodeFactory.instance.objectNode() : TestControlPlane.json(r.body());
        }, m -> m.path("content").path("command").asText().equals("disconnect"));
        assertThat(message.path("type").asText()).isEqualTo("command");
        await(() -> KUBE.kubectl("get", "edgedevicesignedrequests", "-o", "name"), out -> !out.contains("dev-gone"));
        assertThat(KUBE.kubectl("get", "edgedevicetombstones", "-o", "name")).contains("dev-gone");
    }

    @Test
    void manualApprovalWaitsForKubectlPatchOfTheRequest() {
        t.close();
        t = new TestControlPlane(KubernetesStore.start(KUBE.client(), KubernetesStoreSettings.namespace("default")),
                dir.resolve("manual"), ControlPlaneOptions.builder().autoApprove(false).build(), Clock.systemUTC());
        assertThat(t.post("dev-manual", t.registration.chain(), "enrolment", TestControlPlane.enrolment()).status()).isEqualTo(200);
        KeyPair keys = Keys.generateEcP256();
        assertThat(t.post("dev-manual", t.registration.chain(), "registration",
                TestControlPlane.registrationContent(keys, "dev-manual")).status()).isEqualTo(404);
        assertThat(KUBE.kubectl("get", "edgedevicesignedrequest", "dev-manual", "-o", "jsonpath={.spec.approved}"))
                .isEqualTo("false");

        KUBE.kubectl("patch", "edgedevicesignedrequest", "dev-manual", "--type", "merge", "-p", "{\"spec\":{\"approved\":true}}");

        await(() -> t.post("dev-manual", t.registration.chain(), "enrolment", TestControlPlane.enrolment()).status(),
                status -> status == 208);
        assertThat(t.post("dev-manual", t.registration.chain(), "registration",
                TestControlPlane.registrationContent(keys, "dev-manual")).status()).isEqualTo(200);
        await(() -> KUBE.kubectl("get", "edgedevices", "-o", "name"), out -> out.contains("edgedevice.management.project-flotta.io/dev-manual"));
    }

    @Test
    void twoReplicasShareStateAndTheCaThroughTheApiServer() {
        ControlPlaneOptions options = ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(60)).build();
        try (TestControlPlane a = replica(options, "a"); TestControlPlane b = replica(options, "b")) {
            assertThat(b.ca.trustAnchors()).isEqualTo(a.ca.trustAnchors());
            Device device = a.pair("dev-replicas");

            await(() -> b.controlPlane.device("default", "dev-replicas").isPresent(), present -> present);
            DeviceResponse config = b.call(Route.DATA_IN, "dev-replicas", device.chain(), null);
            assertThat(config.status()).isEqualTo(200);
            ObjectNode hb = JsonNodeFactory.instance.objectNode();
            hb.put("status", "degraded");
            hb.put("version", config.etag());
            assertThat(b.post("dev-replicas", device.chain(), "heartbeat", hb).status()).isEqualTo(200);
            await(() -> a.controlPlane.device("default", "dev-replicas").orElseThrow().status().agentStatus(),
                    "degraded"::equals);

            KUBE.kubectl("label", "edgedevice", "dev-replicas", "replicas=yes");
            KUBE.kubectlWithInput("""
                    apiVersion: management.project-flotta.io/v1alpha1
                    kind: EdgeDeployment
                    metadata: {name: shared, namespace: default}
                    spec:
                      type: pod
                      deviceSelector: {matchLabels: {replicas: "yes"}}
                      pod: {spec: {containers: [{name: shared, image: localhost/flotta/busybox:latest}]}}
                    """, "apply", "-f", "-");
            for (TestControlPlane replica : List.of(a, b)) {
                await(() -> StreamSupport.stream(TestControlPlane.json(replica.call(Route.DATA_IN, "dev-replicas", device.chain(),
                        null).body()).path("content").path("workloads").spliterator(), false)
                        .map(w -> w.path("name").asText()).toList(), names -> names.equals(List.of("shared")));
            }
            KUBE.kubectl("delete", "edgedeployment", "shared");
        }
    }

    private TestControlPlane replica(ControlPlaneOptions options, String name) {
        KubernetesStore store = KubernetesStore.start(KUBE.client(), KubernetesStoreSettings.namespace("default"));
        return new TestControlPlane(store, KubernetesCertificateAuthorityProvider.open(KUBE.client(), "default",
                "replicas-ca", ProviderConfig.of(dir.resolve("replica-" + name))), options, Clock.systemUTC());
    }

    @Test
    void unchangedHeartbeatsCostNoApiServerWrite() throws Exception {
        Device device = t.pair("dev-beat");
        String version = t.call(Route.DATA_IN, "dev-beat", device.chain(), null).etag();
        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.put("status", "up");
        hb.put("version", version);
        // the first heartbeat changes the status (agent up); the ones after it change nothing
        assertThat(t.post("dev-beat", device.chain(), "heartbeat", hb).status()).isEqualTo(200);
        Thread.sleep(1000);

        long before = KUBE.etcdRevision();
        for (int i = 0; i < 100; i++) {
            assertThat(t.post("dev-beat", device.chain(), "heartbeat", hb).status()).isEqualTo(200);
        }
        Thread.sleep(500);
        long writes = KUBE.etcdRevision() - before;
        System.out.printf("API-server writes for 100 unchanged heartbeats: %d%n", writes);
        assertThat(writes).isZero();
        assertThat(t.store.lastSeen()).containsKey(new ResourceKey(Kind.DEVICE, "default", "dev-beat"));
        assertThat(KUBE.kubectl("get", "edgedevice", "dev-beat", "-o", "jsonpath={.status.agentStatus}")).isEqualTo("up");
    }

    private List<String> workloadNames(Device d) {
        JsonNode content = TestControlPlane.json(t.call(Route.DATA_IN, d.id(), d.chain(), null).body()).path("content");
        return StreamSupport.stream(content.path("workloads").spliterator(), false)
                .map(w -> w.path("name").asText()).toList();
    }

    private List<String> phases(String deviceId) {
        return t.controlPlane.device("default", deviceId).orElseThrow().status().workloads().stream()
                .map(w -> w.name() + "=" + w.phase()).toList();
    }

    private static <T> T await(Supplier<T> probe, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("still " + last + " after 15 s");
    }
}
