package io.flotta.core.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.pki.Keys;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateAuthorityProvider;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreProvider;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bucket provisioning at registration, with a storage that fails once. */
class StorageProvisioningTest {

    @TempDir
    Path dir;

    Store store;
    CertificateAuthority ca;
    ControlPlane cp;
    final FlakyStorage storage = new FlakyStorage();

    @BeforeEach
    void start() {
        store = ProviderRegistry.discover(StoreProvider.class).select("embedded").create(ProviderConfig.of(dir.resolve("store")));
        ca = ProviderRegistry.discover(CertificateAuthorityProvider.class).select("embedded")
                .create(ProviderConfig.of(dir.resolve("ca")));
        cp = ControlPlane.builder().store(store).certificateAuthority(ca).objectStorage(storage)
                .dataUploadInterval(Duration.ofSeconds(7)).build();
    }

    @AfterEach
    void stop() {
        cp.close();
        store.close();
        ca.close();
    }

    @Test
    void registrationGetsABucketInTheUpstreamFormatRetryingAFailedProvision() throws Exception {
        List<X509Certificate> chain = pair("dev-1");

        await(() -> cp.device("default", "dev-1").map(d -> d.status().storage() != null).orElse(false));
        assertThat(storage.provisioned).hasValueGreaterThanOrEqualTo(2);
        assertThat(cp.device("default", "dev-1").orElseThrow().status().events())
                .anyMatch(e -> e.reason().equals("StorageProvisioningFailed") && e.message().contains("store is down"));

        JsonNode content = TestControlPlane.json(call(new DeviceRequest(Route.DATA_IN, "dev-1", chain, null, null,
                Duration.ZERO)).body()).path("content");
        JsonNode s3 = content.path("configuration").path("storage").path("s3");
        assertThat(s3.path("bucket_name").asText()).isEqualTo("bucket-default-dev-1");
        assertThat(s3.path("bucket_host").asText()).isEqualTo("s3.test");
        assertThat(s3.path("bucket_port").asInt()).isEqualTo(443);
        assertThat(s3.path("aws_access_key_id").asText()).isEqualTo("Zm9v");
        assertThat(content.path("workloads_monitoring_interval").asLong()).isEqualTo(7);

        cp.deleteDevice("default", "dev-1");
        await(() -> storage.released.contains("default/dev-1"));
    }

    @Test
    void withoutStorageNothingChangesInTheConfiguration() {
        try (TestControlPlane plain = new TestControlPlane(dir.resolve("plain"), ControlPlaneOptions.builder().build())) {
            TestControlPlane.Device d = plain.pair("dev-2");
            JsonNode content = TestControlPlane.json(plain.call(new DeviceRequest(Route.DATA_IN, "dev-2", d.chain(),
                    null, null, Duration.ZERO)).body()).path("content");
            assertThat(content.path("configuration").has("storage")).isFalse();
            assertThat(content.has("workloads_monitoring_interval")).isFalse();
        }
    }

    private List<X509Certificate> pair(String id) {
        IssuedCredential registration = ca.issueRegistration(Duration.ofDays(1));
        call(new DeviceRequest(Route.DATA_OUT, id, registration.chain(),
                TestControlPlane.envelope("enrolment", TestControlPlane.enrolment()), null, Duration.ZERO));
        KeyPair keys = Keys.generateEcP256();
        DeviceResponse reg = call(new DeviceRequest(Route.DATA_OUT, id, registration.chain(),
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, id)), null,
                Duration.ZERO));
        assertThat(reg.status()).isEqualTo(200);
        return List.of(TestControlPlane.certificate(reg));
    }

    private DeviceResponse call(DeviceRequest request) {
        return cp.deviceApi().handle(request).toCompletableFuture().join();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in time");
            }
            Thread.sleep(20);
        }
    }

    private static final class FlakyStorage implements ObjectStorage {
        final AtomicInteger provisioned = new AtomicInteger();
        final List<String> released = new CopyOnWriteArrayList<>();

        @Override
        public BucketAccess provision(String namespace, String deviceId) {
            if (provisioned.incrementAndGet() == 1) {
                throw new FlottaException(FlottaException.Code.UNAVAILABLE, "the store is down");
            }
            return new BucketAccess(URI.create("https://s3.test"), "bucket-" + namespace + "-" + deviceId, null,
                    "foo", "bar", null);
        }

        @Override
        public void release(String namespace, String deviceId) {
            released.add(namespace + "/" + deviceId);
        }

        @Override
        public DataSync dataSync(BucketAccess access) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
