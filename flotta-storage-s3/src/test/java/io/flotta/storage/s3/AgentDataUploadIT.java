package io.flotta.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.agent.Agent;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.DeviceEvent;
import io.flotta.core.model.DeviceWorkloadStatus;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.core.testkit.InMemoryTransport;
import io.flotta.core.testkit.RecordingRuntime;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateAuthorityProvider;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreProvider;
import io.flotta.spi.transport.ClientIdentity;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Control plane and agents with a real S3Proxy: the bucket is provisioned at registration and sent in
 * the configuration, workload data arrives under the workload's prefix, {@code last_data_upload}
 * comes back in heartbeats, an unreachable store is retried while workloads keep running, and wrong
 * credentials become an event of that device only.
 */
class AgentDataUploadIT {

    @TempDir
    Path dir;

    S3ProxyFixture s3;
    S3Client client;
    Store store;
    CertificateAuthority ca;
    ObjectStorage controlStorage;
    ControlPlane cp;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        s3 = S3ProxyFixture.start(dir.resolve("s3"));
        client = s3.client();
        store = ProviderRegistry.discover(StoreProvider.class).select("embedded").create(ProviderConfig.of(dir.resolve("store")));
        ca = ProviderRegistry.discover(CertificateAuthorityProvider.class).select("embedded")
                .create(ProviderConfig.of(dir.resolve("ca")));
        S3ObjectStorage real = S3ObjectStorage.create(s3.settings(dir.resolve("cp-s3")).build());
        controlStorage = new WrongSecretFor("dev-bad", real);
        cp = ControlPlane.builder().store(store).certificateAuthority(ca)
                .options(ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(1)).build())
                .objectStorage(controlStorage).dataUploadInterval(Duration.ofSeconds(1)).build();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        cp.close();
        controlStorage.close();
        store.close();
        ca.close();
        client.close();
        s3.close();
    }

    @Test
    void workloadDataReachesTheDeviceBucketAndUploadProblemsBecomeEvents() throws Exception {
        Agent good = agent("dev-1");
        Agent bad = agent("dev-bad");
        await("buckets provisioned", () -> storage("dev-1").isPresent() && storage("dev-bad").isPresent());
        DeviceView device = cp.device("default", "dev-1").orElseThrow();
        assertThat(device.status().storage().path("bucket_name").asText()).isEqualTo("flotta-default-dev-1");
        assertThat(device.status().storage().path("aws_secret_access_key").asText()).isNotEqualTo(S3ProxyFixture.SECRET_KEY);

        cp.applyDeployment("default", "web", deployment());
        Path data = dir.resolve("agent-dev-1/data/web");
        await("the workload's data directory", () -> Files.isDirectory(data));
        Files.writeString(data.resolve("reading 1.csv"), "t,v\n1,2\n");

        await("the file in the bucket", () -> object("flotta-default-dev-1", "web/reading 1.csv").isPresent());
        assertThat(object("flotta-default-dev-1", "web/reading 1.csv")).contains("t,v\n1,2\n");
        await("last_data_upload reported", () -> workload("dev-1", "web").map(w -> w.lastDataUpload() != null).orElse(false));

        // wrong credentials: an event on that device only, naming its bucket
        await("the upload error event", () -> events("dev-bad").stream().anyMatch(e ->
                e.reason().equals("DataUploadFailed") && e.message().contains("flotta-default-dev-bad")
                        && e.message().contains("refused the credentials")));
        assertThat(events("dev-1")).noneMatch(e -> e.reason().equals("DataUploadFailed"));

        // the store goes away: workloads keep running, heartbeats go on, the upload waits
        s3.stop();
        Files.writeString(data.resolve("reading 2.csv"), "t,v\n2,3\n");
        long heartbeats = good.heartbeatsAccepted();
        await("an unreachable-store event", () -> events("dev-1").stream().anyMatch(e ->
                e.reason().equals("DataUploadFailed") && e.message().contains("unreachable")));
        await("heartbeats while the store is down", () -> good.heartbeatsAccepted() >= heartbeats + 2);
        assertThat(workload("dev-1", "web").orElseThrow().phase()).isEqualTo("Running");
        s3.restart();
        await("the second file after the store returned", () ->
                object("flotta-default-dev-1", "web/reading 2.csv").isPresent());
        assertThat(s3.puts("web/reading 1.csv")).isEqualTo(1);
        assertThat(bad.phase()).isEqualTo(Agent.Phase.RUNNING);
    }

    // ---------------------------------------------------------------- helpers

    private Agent agent(String id) {
        IssuedCredential registration = ca.issueRegistration(Duration.ofDays(1));
        BootstrapBundle bundle = new BootstrapBundle(URI.create("https://127.0.0.1:1"), ca.trustAnchors(),
                new ClientIdentity(registration.key(), registration.chain()));
        S3ObjectStorage deviceStorage = S3ObjectStorage.create(S3StorageSettings.builder()
                .stateDirectory(dir.resolve("agent-" + id + "-s3")).backoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .maxAttempts(3).build());
        Agent agent = Agent.builder().bootstrap(bundle).stateDirectory(dir.resolve("agent-" + id)).deviceId(id)
                .transport(new InMemoryTransport(cp::deviceApi)).runtime(new RecordingRuntime())
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).controlPollInterval(Duration.ofMillis(500))
                .longPoll(Duration.ofSeconds(1)).objectStorage(deviceStorage).build();
        closing.add(deviceStorage);
        closing.add(agent);
        agent.start();
        return agent;
    }

    private Optional<com.fasterxml.jackson.databind.JsonNode> storage(String id) {
        return cp.device("default", id).map(d -> d.status().storage()).filter(s -> s != null && !s.isNull());
    }

    private Optional<DeviceWorkloadStatus> workload(String id, String name) {
        return cp.device("default", id).flatMap(d -> d.status().workloads().stream()
                .filter(w -> w.name().equals(name)).findFirst());
    }

    private List<DeviceEvent> events(String id) {
        return cp.device("default", id).map(d -> d.status().events()).orElse(List.of());
    }

    private Optional<String> object(String bucket, String key) {
        try {
            return Optional.of(client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static DeploymentSpec deployment() {
        ObjectNode pod = JsonNodeFactory.instance.objectNode();
        ObjectNode c = pod.putObject("spec").putArray("containers").addObject();
        c.put("name", "main");
        c.put("image", "localhost/flotta/busybox:latest");
        return new DeploymentSpec(null, new io.flotta.core.model.LabelSelector(java.util.Map.of(), List.of()), "pod",
                pod, null, null, null, null, null);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Hands one device a wrong secret, as a misconfigured store or a revoked key would. */
    private static final class WrongSecretFor implements ObjectStorage {
        private final String deviceId;
        private final ObjectStorage delegate;

        WrongSecretFor(String deviceId, ObjectStorage delegate) {
            this.deviceId = deviceId;
            this.delegate = delegate;
        }

        @Override
        public BucketAccess provision(String namespace, String id) {
            BucketAccess a = delegate.provision(namespace, id);
            return id.equals(deviceId) ? new BucketAccess(a.endpoint(), a.bucket(), a.region(), a.accessKeyId(),
                    "wrong-secret", a.caBundle()) : a;
        }

        @Override
        public void release(String namespace, String id) {
            delegate.release(namespace, id);
        }

        @Override
        public DataSync dataSync(BucketAccess access) {
            return delegate.dataSync(access);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
