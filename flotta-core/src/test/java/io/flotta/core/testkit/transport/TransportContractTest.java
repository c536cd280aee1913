package io.flotta.core.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.internal.ca.CaFixture;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.core.pki.Tls;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.spi.transport.TransportServerProvider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport compatibility kit: what every device-API transport must do, checked through the
 * SPI only, against the real engine over real mTLS on 127.0.0.1. A transport's test extends this
 * class and names its server and client providers; the agent engine can then rely on seeing the
 * same statuses on every transport.
 *
 * <p>Covered: pairing (enrolment, approval, registration), configuration fetch and long poll (a
 * change made while the device waits arrives; nothing arrives as 304), heartbeat, renewal
 * (including with an expired certificate, and with the client switching identity while it
 * waits), disconnect after deletion, and every bad input with its status and an empty body —
 * after each test a good device is still served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TransportContractTest {

    /** The body limit the server is started with. */
    protected static final int MAX_BODY = 64 * 1024;
    protected static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final String NAMESPACE = "default";

    @TempDir
    protected static Path dir;

    protected TestControlPlane cp;
    protected TransportServer server;
    protected URI serverUri;
    private TransportClientProvider clients;
    private final List<TransportClient> opened = new ArrayList<>();
    private String goodDevice;
    private TransportClient good;

    /** The server side of the transport under test. */
    protected abstract TransportServerProvider serverProvider();

    /** The client side of the transport under test; one instance serves every client of the test. */
    protected abstract TransportClientProvider clientProvider();

    /**
     * Sends {@code request} over the transport under test without presenting any client
     * certificate (the SPI always presents one), trusting {@code trustAnchors}; returns the status.
     */
    protected abstract int sendWithoutCertificate(URI server, List<X509Certificate> trustAnchors,
                                                  DeviceRequest request);

    /** The server address for clients of this transport, given the bound port. */
    protected URI serverUri(int port) {
        return URI.create("https://127.0.0.1:" + port);
    }

    @BeforeAll
    void startServer() {
        cp = new TestControlPlane(dir.resolve("control-plane"),
                ControlPlaneOptions.builder().autoApprove(false).heartbeatPeriod(Duration.ofSeconds(5)).build());
        IssuedCredential tls = cp.ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        server = serverProvider().start(new TransportServerConfig("127.0.0.1", 0,
                Tls.serverContext(tls.key(), tls.chain()), MAX_BODY, MAX_WAIT), cp.controlPlane.deviceApi());
        serverUri = serverUri(server.port());
        clients = clientProvider();
        goodDevice = newDeviceId();
        good = client(pair(goodDevice));
    }

    @AfterAll
    void stopServer() {
        opened.forEach(TransportClient::close);
        if (server != null) {
            server.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    @AfterEach
    void serverStillServesAGoodDevice() {
        assertThat(good.send(DeviceRequest.of(Route.DATA_IN, goodDevice, null)).status())
                .as("data/in of a good device").isEqualTo(200);
        assertThat(good.send(DeviceRequest.of(Route.CONTROL_IN, goodDevice, null)).status())
                .as("control/in of a good device").isEqualTo(200);
        assertThat(good.send(DeviceRequest.of(Route.DATA_OUT, goodDevice, heartbeat())).status())
                .as("heartbeat of a good device").isEqualTo(200);
    }

    // ------------------------------------------------------------------ pairing and operation

    @Test
    void pairingEnrolsWaitsForApprovalAndRegisters() {
        String id = newDeviceId();
        TransportClient device = client(registration());
        KeyPair keys = Keys.generateEcP256();
        byte[] registrationBody = TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, id));

        assertThat(device.send(DeviceRequest.of(Route.DATA_OUT, id, enrolment())).status()).as("new enrolment").isEqualTo(200);
        assertThat(device.send(DeviceRequest.of(Route.DATA_OUT, id, enrolment())).status()).as("enrolment awaiting approval").isEqualTo(200);
        refused(404, device.send(DeviceRequest.of(Route.DATA_OUT, id, registrationBody)));

        assertThat(cp.controlPlane.approve(id)).isTrue();
        assertThat(device.send(DeviceRequest.of(Route.DATA_OUT, id, enrolment())).status()).as("approved enrolment").isEqualTo(208);
        DeviceResponse registered = device.send(DeviceRequest.of(Route.DATA_OUT, id, registrationBody));
        assertThat(registered.status()).isEqualTo(200);
        X509Certificate certificate = TestControlPlane.certificate(registered);
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=" + id);

        // the same client switches to the device certificate: the next request presents it
        device.useIdentity(new ClientIdentity(keys.getPrivate(), List.of(certificate)));
        assertThat(device.send(DeviceRequest.of(Route.DATA_OUT, id, heartbeat())).status()).isEqualTo(200);
        assertThat(cp.controlPlane.device(NAMESPACE, id)).isPresent();
    }

    @Test
    void configurationIsFetchedWithItsVersion() {
        String id = newDeviceId();
        TransportClient device = client(pair(id));

        DeviceResponse config = device.send(DeviceRequest.of(Route.DATA_IN, id, null));
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.etag()).isNotBlank();
        JsonNode message = TestControlPlane.json(config.body());
        assertThat(message.path("directive").asText()).isEqualTo("device");
        assertThat(message.path("content").path("device_id").asText()).isEqualTo(id);
        assertThat(message.path("content").path("version").asText()).isEqualTo(config.etag());

        DeviceResponse same = device.send(DeviceRequest.of(Route.DATA_IN, id, null).withConditions(config.etag(), Duration.ZERO));
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
    }

    @Test
    void aLongPollEndsWith304WhenNothingChanges() {
        String id = newDeviceId();
        TransportClient device = client(pair(id));
        String version = device.send(DeviceRequest.of(Route.DATA_IN, id, null)).etag();

        long started = System.nanoTime();
        DeviceResponse unchanged = device.send(DeviceRequest.of(Route.DATA_IN, id, null)
                .withConditions(version, Duration.ofSeconds(2)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(took).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(15));
    }

    @Test
    void aChangeMadeWhileTheDeviceWaitsArrivesAtOnce() throws Exception {
        String id = newDeviceId();
        TransportClient device = client(pair(id));
        String version = device.send(DeviceRequest.of(Route.DATA_IN, id, null)).etag();

        CompletableFuture<DeviceResponse> waiting = longPoll(device, id, version, Duration.ofSeconds(25));
        Thread.sleep(500);
        assertThat(waiting).isNotDone();
        long changed = System.nanoTime();
        deploy("web-" + id.substring(0, 8), id);

        DeviceResponse pushed = waiting.get(10, TimeUnit.SECONDS);
        Duration latency = Duration.ofNanos(System.nanoTime() - changed);
        assertThat(pushed.status()).isEqualTo(200);
        assertThat(pushed.etag()).isNotEqualTo(version);
        assertThat(TestControlPlane.json(pushed.body()).path("content").path("workloads").get(0).path("name").asText())
                .isEqualTo("web-" + id.substring(0, 8));
        assertThat(latency).as("delivery after the change").isLessThan(Duration.ofSeconds(5));

        // a poll with an older version gets the current one at once
        DeviceResponse again = device.send(DeviceRequest.of(Route.DATA_IN, id, null).withConditions(version, Duration.ofSeconds(20)));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.etag()).isEqualTo(pushed.etag());
    }

    @Test
    void heartbeatIsRecorded() {
        String id = newDeviceId();
        TransportClient device = client(pair(id));

        DeviceResponse answer = device.send(DeviceRequest.of(Route.DATA_OUT, id, heartbeat()));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEmpty();
        assertThat(cp.controlPlane.device(NAMESPACE, id).orElseThrow().status().agentStatus()).isEqualTo("up");
        assertThat(device.send(DeviceRequest.of(Route.CONTROL_OUT, id, connectionStatus())).status()).isEqualTo(200);
    }

    @Test
    void aDeviceRenewsWithItsCertificateAndTheClientSwitchesWhileWaiting() throws Exception {
        String id = newDeviceId();
        TransportClient device = client(pair(id));
        String version = device.send(DeviceRequest.of(Route.DATA_IN, id, null)).etag();
        CompletableFuture<DeviceResponse> waiting = longPoll(device, id, version, Duration.ofSeconds(25));
        Thread.sleep(300);

        KeyPair keys = Keys.generateEcP256();
        DeviceResponse renewed = device.send(DeviceRequest.of(Route.DATA_OUT, id,
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, id))));
        assertThat(renewed.status()).isEqualTo(200);
        device.useIdentity(new ClientIdentity(keys.getPrivate(), List.of(TestControlPlane.certificate(renewed))));
        assertThat(device.send(DeviceRequest.of(Route.DATA_OUT, id, heartbeat())).status()).isEqualTo(200);

        // the wait that began with the old certificate still delivers the change
        deploy("renewed-" + id.substring(0, 8), id);
        DeviceResponse pushed = waiting.get(15, TimeUnit.SECONDS);
        assertThat(pushed.status()).isEqualTo(200);
        assertThat(pushed.etag()).isNotEqualTo(version);
    }

    @Test
    void anExpiredCertificateIs401ButMayRenew() {
        String id = newDeviceId();
        pair(id);
        TransportClient expired = client(expiredIdentity(id));

        refused(401, expired.send(DeviceRequest.of(Route.DATA_IN, id, null)));
        refused(401, expired.send(DeviceRequest.of(Route.DATA_OUT, id, heartbeat())));
        refused(401, expired.send(DeviceRequest.of(Route.CONTROL_IN, id, null)));
        refused(401, expired.send(DeviceRequest.of(Route.DATA_IN, id, null).withConditions("0", Duration.ofSeconds(5))));

        KeyPair keys = Keys.generateEcP256();
        DeviceResponse renewed = expired.send(DeviceRequest.of(Route.DATA_OUT, id,
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, id))));
        assertThat(renewed.status()).isEqualTo(200);
        expired.useIdentity(new ClientIdentity(keys.getPrivate(), List.of(TestControlPlane.certificate(renewed))));
        assertThat(expired.send(DeviceRequest.of(Route.DATA_OUT, id, heartbeat())).status()).isEqualTo(200);
        // and not another device's registration
        TransportClient stillExpired = client(expiredIdentity(id));
        refused(403, stillExpired.send(DeviceRequest.of(Route.DATA_OUT, goodDevice,
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, goodDevice)))));
    }

    @Test
    void aDeletedDeviceIsToldToDisconnectAndItsWaitEnds() throws Exception {
        String id = newDeviceId();
        TransportClient device = client(pair(id));
        String version = device.send(DeviceRequest.of(Route.DATA_IN, id, null)).etag();
        CompletableFuture<DeviceResponse> waiting = longPoll(device, id, version, Duration.ofSeconds(25));
        Thread.sleep(300);

        assertThat(cp.controlPlane.deleteDevice(NAMESPACE, id)).isTrue();

        refused(404, waiting.get(10, TimeUnit.SECONDS));
        DeviceResponse control = device.send(DeviceRequest.of(Route.CONTROL_IN, id, null));
        assertThat(control.status()).isEqualTo(200);
        assertThat(TestControlPlane.json(control.body()).path("content").path("command").asText()).isEqualTo("disconnect");
        refused(404, device.send(DeviceRequest.of(Route.DATA_IN, id, null)));
        refused(404, device.send(DeviceRequest.of(Route.DATA_OUT, id, heartbeat())));
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void malformedJsonIs400() {
        refused(400, good.send(post(goodDevice, "{\"type\":\"data\",\"directive\":\"heartbeat\",\"content\":{")));
        refused(400, good.send(post(goodDevice, "not json at all")));
        refused(400, good.send(post(goodDevice, "[1,2,3]")));
        refused(400, good.send(post(goodDevice, "{\"type\":\"data\",\"directive\":\"heartbeat\",\"content\":\"up\"}")));
    }

    @Test
    void bodyOverTheLimitIs413() {
        ObjectNode heartbeat = JsonNodeFactory.instance.objectNode();
        heartbeat.put("status", "x".repeat(2 * MAX_BODY));
        byte[] body = TestControlPlane.envelope("heartbeat", heartbeat);
        assertThat(body.length).isGreaterThan(MAX_BODY);

        refused(413, good.send(DeviceRequest.of(Route.DATA_OUT, goodDevice, body)));
        refused(413, client(registration()).send(DeviceRequest.of(Route.DATA_OUT, goodDevice, body)));
        // just over the limit, too
        heartbeat.put("status", "x".repeat(MAX_BODY));
        refused(413, good.send(DeviceRequest.of(Route.DATA_OUT, goodDevice, TestControlPlane.envelope("heartbeat", heartbeat))));
    }

    @Test
    void unknownDirectiveIs400() {
        refused(400, good.send(DeviceRequest.of(Route.DATA_OUT, goodDevice,
                TestControlPlane.envelope("self-destruct", JsonNodeFactory.instance.objectNode()))));
        refused(400, good.send(post(goodDevice, "{\"type\":\"data\",\"content\":{}}")));
    }

    @Test
    void anotherDevicesIdIs403() {
        String other = newDeviceId();
        pair(other);

        refused(403, good.send(DeviceRequest.of(Route.DATA_IN, other, null)));
        refused(403, good.send(DeviceRequest.of(Route.DATA_IN, other, null).withConditions(null, Duration.ofSeconds(5))));
        refused(403, good.send(DeviceRequest.of(Route.CONTROL_IN, other, null)));
        refused(403, good.send(DeviceRequest.of(Route.DATA_OUT, other, heartbeat())));
        refused(403, good.send(DeviceRequest.of(Route.CONTROL_OUT, other, connectionStatus())));
    }

    @Test
    void registrationCertificateOutsidePairingIs401() {
        TransportClient registration = client(registration());

        refused(401, registration.send(DeviceRequest.of(Route.DATA_IN, goodDevice, null)));
        refused(401, registration.send(DeviceRequest.of(Route.DATA_IN, goodDevice, null).withConditions(null, Duration.ofSeconds(5))));
        refused(401, registration.send(DeviceRequest.of(Route.CONTROL_IN, goodDevice, null)));
        refused(401, registration.send(DeviceRequest.of(Route.DATA_OUT, goodDevice, heartbeat())));
        refused(401, registration.send(DeviceRequest.of(Route.CONTROL_OUT, goodDevice, connectionStatus())));
    }

    @Test
    void certificateFromAnotherCaIs401() {
        CertificateAuthority otherCa = CaFixture.open(dir.resolve("other-ca"));
        try {
            IssuedCredential foreign = CaFixture.device(otherCa, goodDevice, NAMESPACE, Duration.ofDays(1));
            List<ClientIdentity> identities = List.of(new ClientIdentity(foreign.key(), foreign.chain()),
                    // our CA's certificate after the foreign leaf does not make the leaf ours
                    new ClientIdentity(foreign.key(), List.of(foreign.chain().get(0), cp.ca.trustAnchors().get(0))));
            for (ClientIdentity identity : identities) {
                TransportClient client = client(identity);
                refused(401, client.send(DeviceRequest.of(Route.DATA_IN, goodDevice, null)));
                refused(401, client.send(DeviceRequest.of(Route.DATA_OUT, goodDevice, heartbeat())));
                refused(401, client.send(DeviceRequest.of(Route.DATA_OUT, goodDevice, enrolment())));
            }
        } finally {
            otherCa.close();
        }
    }

    @Test
    void badCsrIs400() {
        KeyPair keys = Keys.generateEcP256();
        byte[] der = Pem.readCsr(Csrs.create(keys, goodDevice)).encoded();
        // the last byte belongs to the signature: still well-formed, no longer valid
        der[der.length - 1] ^= 0x01;
        ObjectNode content = TestControlPlane.registrationContent(keys, goodDevice);
        content.put("certificate_request", Pem.encode(Pem.CERTIFICATE_REQUEST, der));
        byte[] forged = TestControlPlane.envelope("registration", content);

        refused(400, good.send(DeviceRequest.of(Route.DATA_OUT, goodDevice, forged)));
        refused(400, client(registration()).send(DeviceRequest.of(Route.DATA_OUT, goodDevice, forged)));
        content.put("certificate_request", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
        refused(400, good.send(DeviceRequest.of(Route.DATA_OUT, goodDevice, TestControlPlane.envelope("registration", content))));
    }

    @Test
    void unknownDeviceIs404() {
        String ghost = newDeviceId();
        IssuedCredential credential = CaFixture.device(cp.ca, ghost, NAMESPACE, Duration.ofDays(1));
        TransportClient withGhost = client(new ClientIdentity(credential.key(), credential.chain()));

        refused(404, withGhost.send(DeviceRequest.of(Route.DATA_IN, ghost, null)));
        refused(404, withGhost.send(DeviceRequest.of(Route.DATA_IN, ghost, null).withConditions(null, Duration.ofSeconds(5))));
        refused(404, withGhost.send(DeviceRequest.of(Route.CONTROL_IN, ghost, null)));
        refused(404, withGhost.send(DeviceRequest.of(Route.DATA_OUT, ghost, heartbeat())));
        KeyPair keys = Keys.generateEcP256();
        refused(404, client(registration()).send(DeviceRequest.of(Route.DATA_OUT, ghost,
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, ghost)))));
    }

    @Test
    void noClientCertificateIs401() {
        List<X509Certificate> trust = cp.ca.trustAnchors();
        assertThat(sendWithoutCertificate(serverUri, trust, DeviceRequest.of(Route.DATA_IN, goodDevice, null))).isEqualTo(401);
        assertThat(sendWithoutCertificate(serverUri, trust, DeviceRequest.of(Route.CONTROL_IN, goodDevice, null))).isEqualTo(401);
        assertThat(sendWithoutCertificate(serverUri, trust, DeviceRequest.of(Route.DATA_OUT, goodDevice, enrolment()))).isEqualTo(401);
        assertThat(sendWithoutCertificate(serverUri, trust, DeviceRequest.of(Route.CONTROL_OUT, goodDevice, connectionStatus())))
                .isEqualTo(401);
    }

    // ------------------------------------------------------------------ helpers

    /** A client of the transport under test, closed after the class. */
    protected TransportClient client(ClientIdentity identity) {
        TransportClient client = clients.create(new TransportClientConfig(serverUri, cp.ca.trustAnchors(), identity,
                Duration.ofSeconds(5), Duration.ofSeconds(15)));
        synchronized (opened) {
            opened.add(client);
        }
        return client;
    }

    protected ClientIdentity registration() {
        return new ClientIdentity(cp.registration.key(), cp.registration.chain());
    }

    /** Enrols, approves and registers {@code id} through the transport; returns the device identity. */
    protected ClientIdentity pair(String id) {
        TransportClient registration = client(registration());
        int enrol = registration.send(DeviceRequest.of(Route.DATA_OUT, id, enrolment())).status();
        assertThat(enrol).as("enrolment of %s", id).isIn(200, 208);
        cp.controlPlane.approve(id);
        KeyPair keys = Keys.generateEcP256();
        DeviceResponse registered = registration.send(DeviceRequest.of(Route.DATA_OUT, id,
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, id))));
        assertThat(registered.status()).as("registration of %s", id).isEqualTo(200);
        return new ClientIdentity(keys.getPrivate(), List.of(TestControlPlane.certificate(registered)));
    }

    /** A certificate of our own CA for {@code id} that expired yesterday. */
    private ClientIdentity expiredIdentity(String id) {
        Clock twoDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        CertificateAuthority pastCa = CaFixture.open(dir.resolve("control-plane").resolve("ca"), twoDaysAgo);
        try {
            IssuedCredential credential = CaFixture.device(pastCa, id, NAMESPACE, Duration.ofDays(1));
            return new ClientIdentity(credential.key(), credential.chain());
        } finally {
            pastCa.close();
        }
    }

    private void deploy(String name, String deviceId) {
        ObjectNode pod = JsonNodeFactory.instance.objectNode();
        ObjectNode container = pod.putObject("spec").putArray("containers").addObject();
        container.put("name", "main");
        container.put("image", "localhost/flotta/httpd:latest");
        DeploymentSpec spec = new DeploymentSpec(deviceId, null, "pod", pod, Map.of(), Map.of(), null, null, null);
        cp.controlPlane.applyDeployment(NAMESPACE, name, spec);
    }

    private static CompletableFuture<DeviceResponse> longPoll(TransportClient client, String id, String version,
                                                               Duration wait) {
        return CompletableFuture.supplyAsync(() -> client.send(DeviceRequest.of(Route.DATA_IN, id, null)
                .withConditions(version, wait)));
    }

    protected static String newDeviceId() {
        return UUID.randomUUID().toString();
    }

    protected static void refused(int status, DeviceResponse answer) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(status);
        assertThat(answer.body()).as("body of a %d", status).isEmpty();
    }

    private static DeviceRequest post(String id, String body) {
        return DeviceRequest.of(Route.DATA_OUT, id, body.getBytes(StandardCharsets.UTF_8));
    }

    protected static byte[] enrolment() {
        return TestControlPlane.envelope("enrolment", TestControlPlane.enrolment());
    }

    protected static byte[] heartbeat() {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("status", "up");
        content.putArray("workloads");
        content.putArray("events");
        return TestControlPlane.envelope("heartbeat", content);
    }

    protected static byte[] connectionStatus() {
        return ("{\"type\":\"connection-status\",\"message_id\":\"" + UUID.randomUUID() + "\","
                + "\"version\":1,\"sent\":\"2026-11-26T10:00:00Z\",\"content\":{\"state\":\"online\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

}
