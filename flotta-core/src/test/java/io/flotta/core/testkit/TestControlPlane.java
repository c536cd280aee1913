package io.flotta.core.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.model.ModelJson;
import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateAuthorityProvider;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreProvider;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A control plane on the embedded store and CA in a temporary directory, with helpers to call its
 * device API as a device would (with a certificate chain, without a transport). Part of the test kit.
 */
public final class TestControlPlane implements AutoCloseable {

    public final Store store;
    public final CertificateAuthority ca;
    public final ControlPlane controlPlane;
    public final IssuedCredential registration;

    public TestControlPlane(Path dir, ControlPlaneOptions options) {
        this(dir, options, Clock.systemUTC());
    }

    public TestControlPlane(Path dir, ControlPlaneOptions options, Clock clock) {
        this(ProviderRegistry.discover(StoreProvider.class).select("embedded").create(ProviderConfig.of(dir.resolve("store"))),
                dir, options, clock);
    }

    /** A control plane on the given store (closed with it) and an embedded CA in {@code dir}. */
    public TestControlPlane(Store store, Path dir, ControlPlaneOptions options, Clock clock) {
        this(store, ProviderRegistry.discover(CertificateAuthorityProvider.class).select("embedded")
                .create(ProviderConfig.of(dir.resolve("ca"))), options, clock);
    }

    /** A control plane on the given store and CA (both closed with it), e.g. one of several replicas. */
    public TestControlPlane(Store store, CertificateAuthority ca, ControlPlaneOptions options, Clock clock) {
        this(store, ca, options, clock, true);
    }

    /** A replica that runs the fleet-wide work only once it is made the leader (when {@code leader} is false). */
    public TestControlPlane(Store store, CertificateAuthority ca, ControlPlaneOptions options, Clock clock, boolean leader) {
        this.store = store;
        this.ca = ca;
        controlPlane = ControlPlane.builder().store(store).certificateAuthority(ca).options(options).clock(clock)
                .leader(leader).build();
        registration = ca.issueRegistration(Duration.ofDays(1));
    }

    public DeviceResponse call(Route route, String deviceId, List<X509Certificate> chain, byte[] body) {
        return call(new DeviceRequest(route, deviceId, chain, body, null, Duration.ZERO));
    }

    public DeviceResponse call(DeviceRequest request) {
        return controlPlane.deviceApi().handle(request).toCompletableFuture().join();
    }

    public DeviceResponse post(String deviceId, List<X509Certificate> chain, String directive, JsonNode content) {
        return call(Route.DATA_OUT, deviceId, chain, envelope(directive, content));
    }

    /** Enrols and registers {@code deviceId}; returns its certificate chain and key. */
    public Device pair(String deviceId) {
        DeviceResponse enrol = post(deviceId, registration.chain(), "enrolment", enrolment());
        if (enrol.status() != 200 && enrol.status() != 208) {
            throw new AssertionError("enrolment answered " + enrol.status());
        }
        KeyPair keys = Keys.generateEcP256();
        DeviceResponse reg = post(deviceId, registration.chain(), "registration", registrationContent(keys, deviceId));
        if (reg.status() != 200) {
            throw new AssertionError("registration answered " + reg.status());
        }
        return new Device(deviceId, keys, List.of(certificate(reg)));
    }

    public static X509Certificate certificate(DeviceResponse registrationAnswer) {
        return Pem.readCertificate(json(registrationAnswer.body()).path("content").path("certificate").asText());
    }

    public static ObjectNode enrolment() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.putObject("features").set("hardware", hardware("test-host"));
        c.put("target_namespace", "default");
        return c;
    }

    public static ObjectNode registrationContent(KeyPair keys, String deviceId) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("certificate_request", Csrs.create(keys, deviceId));
        c.set("hardware", hardware("test-host"));
        return c;
    }

    public static ObjectNode hardware(String hostname) {
        ObjectNode hw = JsonNodeFactory.instance.objectNode();
        hw.putObject("cpu").put("architecture", "x86_64").put("model_name", "Test CPU").putArray("flags");
        hw.put("hostname", hostname);
        return hw;
    }

    public static byte[] envelope(String directive, JsonNode content) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("type", "data");
        m.put("message_id", UUID.randomUUID().toString());
        m.put("version", 1);
        m.put("sent", "2026-11-26T10:00:00Z");
        m.put("directive", directive);
        m.set("content", content);
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static JsonNode json(byte[] body) {
        try {
            return ModelJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
        }
    }

    @Override
    public void close() {
        controlPlane.close();
        store.close();
        ca.close();
    }

    /** A paired device: its id, key and certificate chain. */
    public record Device(String id, KeyPair keys, List<X509Certificate> chain) {
    }
}
