package io.flotta.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.storage.StorageWire;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.core.testkit.TestControlPlane.Device;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader-only controllers against a real API server: finalizers and deletion flows, device
 * sets, bucket claims, and leadership moving between two replicas.
 */
class KubernetesControllersIT {

    static final LeaderElection.Timing FAST = new LeaderElection.Timing(Duration.ofSeconds(4), Duration.ofSeconds(3),
            Duration.ofMillis(500));

    @RegisterExtension
    static final KubeCluster KUBE = new KubeCluster("controllers");

    @TempDir
    Path dir;

    final List<AutoCloseable> started = new java.util.ArrayList<>();

    @BeforeAll
    static void installClaimCrd() {
        KUBE.kubectl("apply", "-f", Path.of("src", "test", "resources", "crds", "objectbucketclaims.objectbucket.io.yaml")
                .toAbsolutePath().toString());
        KUBE.kubectl("wait", "--for", "condition=established", "--timeout=60s", "crd", "objectbucketclaims.objectbucket.io");
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    /** One replica: store, CA from the shared Secret, engine waiting for the election, controllers. */
    private Replica replica(String identity) {
        KubernetesStore store = KubernetesStore.start(KUBE.client(), KubernetesStoreSettings.namespace("default"));
        TestControlPlane t = new TestControlPlane(store, KubernetesCertificateAuthorityProvider.open(KUBE.client(), "default",
                "controllers-ca", ProviderConfig.of(dir.resolve("ca-" + identity))),
                ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(60)).build(), Clock.systemUTC(), false);
        KubernetesControllers controllers = KubernetesControllers.builder(KUBE.client(), t.controlPlane, store)
                .identity(identity).timing(FAST).resync(Duration.ofSeconds(1)).bucketClaims("flotta-buckets").start();
        Replica r = new Replica(t, controllers);
        started.add(t);
        started.add(controllers);
        return r;
    }

    record Replica(TestControlPlane t, KubernetesControllers controllers) {
    }

    @Test
    void deletingADeploymentDetachesItFromItsDevicesBeforeTheResourceGoes() {
        Replica r = replica("detach");
        await(() -> r.controllers().isLeader(), b -> b);
        Device device = r.t().pair("dev-detach");
        KUBE.kubectl("label", "edgedevice", "dev-detach", "app=detach");
        KUBE.kubectlWithInput("""
                apiVersion: management.project-flotta.io/v1alpha1
                kind: EdgeDeployment
                metadata: {name: detach, namespace: default}
                spec:
                  type: pod
                  deviceSelector: {matchLabels: {app: detach}}
                  pod: {spec: {containers: [{name: c, image: localhost/flotta/busybox:latest}]}}
                """, "apply", "-f", "-");
        await(() -> workloadNames(r.t(), device), names -> names.equals(List.of("detach")));
        await(() -> KUBE.kubectl("get", "edgedeployment", "detach", "-o", "jsonpath={.metadata.finalizers}"),
                f -> f.contains(KubernetesControllers.FINALIZER));
        await(() -> KUBE.kubectl("get", "edgedevice", "dev-detach", "-o", "jsonpath={.metadata.finalizers}"),
                f -> f.contains(KubernetesControllers.FINALIZER));

        KUBE.kubectl("delete", "edgedeployment", "detach", "--wait=false");

        await(() -> KUBE.kubectl("get", "edgedeployments", "-o", "name"), out -> !out.contains("detach"));
        // gone only after the device was cleared: both are true the moment it is gone
        assertThat(KUBE.kubectl("get", "edgedevice", "dev-detach", "-o", "jsonpath={.status.workloads}")).isIn("", "[]");
        assertThat(workloadNames(r.t(), device)).isEmpty();
    }

    @Test
    void deletingADeviceRevokesItAndRemovesItsRequestAndClaimBeforeItGoes() {
        Replica r = replica("revoke");
        await(() -> r.controllers().isLeader(), b -> b);
        Device device = r.t().pair("dev-revoke");
        await(() -> KUBE.kubectl("get", "edgedevice", "dev-revoke", "-o", "jsonpath={.metadata.finalizers}"),
                f -> f.contains(KubernetesControllers.FINALIZER));

        KUBE.kubectl("delete", "edgedevice", "dev-revoke", "--wait=false");

        JsonNode message = await(() -> {
            DeviceResponse resp = r.t().call(Route.CONTROL_IN, "dev-revoke", device.chain(), null);
            return resp.body().length == 0 ? JsonNodeFactory.instance.objectNode() : TestControlPlane.json(resp.body());
        }, m -> m.path("content").path("command").asText().equals("disconnect"));
        assertThat(message.path("type").asText()).isEqualTo("command");
        await(() -> KUBE.kubectl("get", "edgedevices", "-o", "name"), out -> !out.contains("dev-revoke"));
        assertThat(KUBE.kubectl("get", "edgedevicesignedrequests", "-o", "name")).doesNotContain("dev-revoke");
        assertThat(KUBE.kubectl("get", "edgedevicetombstones", "-o", "name")).contains("dev-revoke");
    }

    @Test
    void aDeviceSetOverridesTheConfigurationAndItsStorageRequestGetsABucketClaim() {
        Replica r = replica("sets");
        await(() -> r.controllers().isLeader(), b -> b);
        Device device = r.t().pair("dev-set");
        KUBE.kubectlWithInput("""
                apiVersion: management.project-flotta.io/v1alpha1
                kind: EdgeDeviceSet
                metadata: {name: fast, namespace: default}
                spec:
                  requestStorage: true
                  configuration:
                    heartbeat: {period_seconds: 15}
                    metrics: {retention: {max_hours: 12}}
                """, "apply", "-f", "-");
        assertThat(configuration(r.t(), device).path("heartbeat").path("period_seconds").asInt()).isEqualTo(60);

        KUBE.kubectl("label", "edgedevice", "dev-set", "flotta/member-of=fast");

        await(() -> configuration(r.t(), device).path("heartbeat").path("period_seconds").asInt(), p -> p == 15);
        assertThat(configuration(r.t(), device).at("/metrics/retention/max_hours").asInt()).isEqualTo(12);
        assertThat(configuration(r.t(), device).at("/heartbeat/hardware_profile").isObject()).isTrue();
        await(() -> KUBE.kubectl("get", "edgedevice", "dev-set", "-o", "jsonpath={.status.storageClaim}"), "dev-set"::equals);
        assertThat(KUBE.kubectl("get", "objectbucketclaim", "dev-set", "-o", "jsonpath={.spec.storageClassName}"))
                .isEqualTo("flotta-buckets");
        assertThat(configuration(r.t(), device).has("storage")).as("not bound yet").isFalse();

        // what a bucket provisioner does when it binds the claim
        KUBE.kubectl("create", "configmap", "dev-set", "--from-literal=BUCKET_HOST=127.0.0.1",
                "--from-literal=BUCKET_PORT=9000", "--from-literal=BUCKET_NAME=dev-set-1234",
                "--from-literal=BUCKET_REGION=us-east-1");
        KUBE.kubectl("create", "secret", "generic", "dev-set", "--from-literal=AWS_ACCESS_KEY_ID=AKIDEVSET",
                "--from-literal=AWS_SECRET_ACCESS_KEY=secret-of-dev-set");
        KUBE.kubectl("patch", "objectbucketclaim", "dev-set", "--type", "merge", "-p", "{\"status\":{\"phase\":\"Bound\"}}");

        JsonNode s3 = await(() -> configuration(r.t(), device).path("storage").path("s3"), n -> n.has("bucket_name"));
        assertThat(s3.path("bucket_name").asText()).isEqualTo("dev-set-1234");
        assertThat(s3.path("bucket_host").asText()).isEqualTo("127.0.0.1");
        assertThat(s3.path("bucket_port").asInt()).isEqualTo(9000);
        BucketAccess access = StorageWire.fromWire(s3).orElseThrow();
        assertThat(access.accessKeyId()).isEqualTo("AKIDEVSET");
        assertThat(access.secretAccessKey()).isEqualTo("secret-of-dev-set");

        KUBE.kubectl("delete", "edgedevice", "dev-set", "--wait=false");
        await(() -> KUBE.kubectl("get", "objectbucketclaims", "-o", "name"), out -> !out.contains("dev-set"));
        KUBE.kubectl("delete", "edgedeviceset", "fast");
    }

    @Test
    void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() {
        Replica a = replica("replica-a");
        await(() -> a.controllers().isLeader(), b -> b);
        Replica b = replica("replica-b");
        sleep(1500);
        assertThat(b.controllers().isLeader()).isFalse();
        assertThat(b.t().controlPlane.isLeader()).isFalse();
        assertThat(a.t().controlPlane.isLeader()).isTrue();

        a.controllers().close();
        long stopped = System.nanoTime();
        await(() -> b.controllers().isLeader(), x -> x);
        System.out.printf("leadership moved in %d ms%n", (System.nanoTime() - stopped) / 1_000_000);
        assertThat(b.t().controlPlane.isLeader()).isTrue();
        assertThat(a.t().controlPlane.isLeader()).isFalse();

        // the new leader runs the controllers: a new deployment gets its finalizer from b
        KUBE.kubectlWithInput("""
                apiVersion: management.project-flotta.io/v1alpha1
                kind: EdgeDeployment
                metadata: {name: after-failover, namespace: default}
                spec:
                  type: pod
                  deviceSelector: {matchLabels: {none: none}}
                  pod: {spec: {containers: [{name: c, image: localhost/flotta/busybox:latest}]}}
                """, "apply", "-f", "-");
        await(() -> KUBE.kubectl("get", "edgedeployment", "after-failover", "-o", "jsonpath={.metadata.finalizers}"),
                f -> f.contains(KubernetesControllers.FINALIZER));
        KUBE.kubectl("delete", "edgedeployment", "after-failover");
    }

    private static List<String> workloadNames(TestControlPlane t, Device d) {
        return StreamSupport.stream(configurationContent(t, d).path("workloads").spliterator(), false)
                .map(w -> w.path("name").asText()).toList();
    }

    private static JsonNode configuration(TestControlPlane t, Device d) {
        return configurationContent(t, d).path("configuration");
    }

    private static JsonNode configurationContent(TestControlPlane t, Device d) {
        return TestControlPlane.json(t.call(Route.DATA_IN, d.id(), d.chain(), null).body()).path("content");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static <T> T await(Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            sleep(100);
        }
        throw new AssertionError("still " + last + " after 20 s");
    }
}
