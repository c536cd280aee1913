package io.flotta.transport.yggdrasil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.internal.ca.CaFixture;
import io.flotta.core.pki.Pem;
import io.flotta.core.testkit.Conformance;
import io.flotta.core.wire.Json;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker protocol end to end on real unix sockets: our dispatcher and our worker client replay
 * the upstream gateway's recorded session; the envelopes the dispatcher side builds must be what
 * the real gateway put on the wire, and the worker must hand the agent what the control plane answered.
 */
class WorkerProtocolIT {

    private static final String DEVICE = "7ca12aeb-fe05-49c1-82e9-5e0e58405901";

    @TempDir
    Path dir;

    private final List<byte[]> posted = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> answers = new ConcurrentHashMap<>();
    private final List<Map<String, Map<String, String>>> workerChanges = new CopyOnWriteArrayList<>();
    private YggdrasilDispatcher dispatcher;
    private TransportClient worker;
    private String address;
    private ClientIdentity registration;
    private CertificateAuthority ca;

    @BeforeEach
    void start() {
        ca = CaFixture.open(dir.resolve("ca"));
        IssuedCredential reg = ca.issueRegistration(Duration.ofDays(1));
        registration = new ClientIdentity(reg.key(), reg.chain());
        address = "unix:" + dir.resolve("dispatcher.sock");
        dispatcher = startDispatcher(address);
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private YggdrasilDispatcher startDispatcher(String at) {
        return YggdrasilDispatcher.start(at, new YggdrasilDispatcher.Handler() {
            @Override
            public GatewayReply send(WorkerMessage message) {
                if (message.directive().equals("unreachable")) {
                    throw new FlottaException(FlottaException.Code.UNAVAILABLE, "control plane unreachable");
                }
                byte[] envelope = GatewayMessages.dataOut(message, Instant.now());
                posted.add(envelope);
                JsonNode recorded = answers.get(message.messageId());
                if (recorded == null) {
                    return new GatewayReply(200, new byte[0], Map.of());
                }
                return new GatewayReply(recorded.path("status").asInt(),
                        recorded.path("response").asText().getBytes(StandardCharsets.UTF_8), Map.of());
            }

            @Override
            public GatewayConfig config() {
                return new GatewayConfig("info", DEVICE, at, "127.0.0.1:8043", dir.resolve("cert.pem").toString(),
                        dir.resolve("key.pem").toString(), dir.resolve("ca.pem").toString());
            }

            @Override
            public void workersChanged(Map<String, Map<String, String>> workers) {
                workerChanges.add(workers);
            }
        });
    }

    private TransportClient worker(String at) {
        return new YggdrasilTransportClientProvider(at).create(new TransportClientConfig(URI.create("https://unused"),
                List.of(), registration, null, Duration.ofSeconds(5)));
    }

    private static List<JsonNode> recorded() throws IOException {
        return recorded(Conformance.WORKER_SESSION);
    }

    private static List<JsonNode> recorded(String file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Conformance.directory().resolve(file))) {
            if (!line.isBlank()) {
                lines.add(Json.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void dataOutReachesTheControlPlaneAsTheRealGatewaySentItAndTheReplyReachesTheAgent() throws IOException {
        worker = worker(address);
        int checked = 0;
        int expected = 0;
        for (JsonNode exchange : recorded()) {
            if (!exchange.path("path").asText().endsWith("/out") || !exchange.path("path").asText().contains("/data/")) {
                continue;
            }
            expected++;
            JsonNode gatewaySent = Json.readTree(exchange.path("body").asText().getBytes(StandardCharsets.UTF_8));
            answers.put(gatewaySent.path("message_id").asText(), exchange);
            posted.clear();

            // the agent's envelope has the same fields; the worker forwards id, directive and content
            DeviceResponse answer = worker.send(DeviceRequest.of(Route.DATA_OUT, DEVICE,
                    exchange.path("body").asText().getBytes(StandardCharsets.UTF_8)));

            assertThat(posted).hasSize(1);
            JsonNode ours = Json.readTree(posted.get(0));
            assertThat(ours.path("sent").asText()).isNotBlank();
            ((com.fasterxml.jackson.databind.node.ObjectNode) ours).remove("sent");
            ((com.fasterxml.jackson.databind.node.ObjectNode) gatewaySent).remove("sent");
            assertThat(ours).as("data/out of %s", gatewaySent.path("directive")).isEqualTo(gatewaySent);
            assertThat(answer.status()).isEqualTo(exchange.path("status").asInt());
            String response = exchange.path("response").asText();
            if (response.isEmpty()) {
                assertThat(answer.body()).isEmpty();
            } else if (isJson(response)) {
                assertThat(Json.readTree(answer.body())).isEqualTo(Json.readTree(response));
            }
            checked++;
        }
        assertThat(checked).as("data/out exchanges replayed").isEqualTo(expected).isGreaterThan(15);
        assertThat(workerChanges).last().isEqualTo(java.util.Collections.singletonMap("device", null));
    }

    private static boolean isJson(String text) {
        try {
            Json.readTree(text);
            return true;
        } catch (FlottaException e) {
            return false; // the recording truncated some long answers
        }
    }

    @Test
    void configurationsPushedByTheGatewayAnswerDataInWithTheirVersionAsETag() throws IOException {
        worker = worker(address);
        worker.send(DeviceRequest.of(Route.CONTROL_OUT, DEVICE, null)); // registers
        // the operator session holds the full data/in answers, workloads included
        List<JsonNode> dataIn = recorded(Conformance.OPERATOR_SESSION).stream()
                .filter(e -> e.path("path").asText().endsWith("/in") && e.path("path").asText().contains("/data/")
                        && e.path("status").asInt() == 200)
                .toList();
        assertThat(dataIn).hasSizeGreaterThan(5);
        String version = null;
        for (JsonNode exchange : dataIn) {
            byte[] envelope = exchange.path("response").asText().getBytes(StandardCharsets.UTF_8);
            WorkerMessage message = GatewayMessages.toWorker(envelope);
            assertThat(message.directive()).isEqualTo("device");
            assertThat(dispatcher.dispatch(message)).isTrue();

            JsonNode content = Json.readTree(envelope).path("content");
            DeviceResponse answer = worker.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)
                    .withConditions(version, Duration.ofMillis(200)));
            if (content.path("version").asText().equals(version)) {
                assertThat(answer.status()).isEqualTo(304);
                continue;
            }
            assertThat(answer.status()).isEqualTo(200);
            assertThat(Json.readTree(answer.body()).path("content")).isEqualTo(content);
            assertThat(answer.etag()).isEqualTo(content.path("version").asText());
            version = answer.etag();
        }

        long started = System.nanoTime();
        DeviceResponse unchanged = worker.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)
                .withConditions(version, Duration.ofMillis(300)));
        assertThat(unchanged.status()).isEqualTo(304);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void theRecordedDisconnectIsRecognised() throws IOException {
        List<String> commands = recorded(Conformance.OPERATOR_SESSION).stream()
                .filter(e -> e.path("path").asText().contains("/control/") && e.path("path").asText().endsWith("/in")
                        && e.path("status").asInt() == 200)
                .map(e -> GatewayMessages.command(e.path("response").asText().getBytes(StandardCharsets.UTF_8)))
                .filter(c -> !c.isEmpty()).distinct().toList();
        assertThat(commands).containsExactly("disconnect");
    }

    @Test
    void receivedDisconnectBecomesTheDisconnectCommand() {
        worker = worker(address);
        assertThat(worker.send(DeviceRequest.of(Route.CONTROL_IN, DEVICE, null)).body()).isEmpty();

        dispatcher.notifyDisconnect();

        assertThat(worker.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)).status()).isEqualTo(404);
        DeviceResponse control = worker.send(DeviceRequest.of(Route.CONTROL_IN, DEVICE, null));
        assertThat(GatewayMessages.command(control.body())).isEqualTo("disconnect");
    }

    @Test
    void theIdentityGoesToTheGatewaysCertificateFiles() throws IOException {
        worker = worker(address);
        assertThat(Pem.readCertificate(Files.readString(dir.resolve("cert.pem")))).isEqualTo(registration.leaf());
        IssuedCredential device = CaFixture.device(ca, DEVICE, "default", Duration.ofDays(1));

        worker.useIdentity(new ClientIdentity(device.key(), device.chain()));

        assertThat(Pem.readCertificate(Files.readString(dir.resolve("cert.pem")))).isEqualTo(device.chain().get(0));
        assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(Pem.encodePrivateKey(Pem.readPrivateKey(Files.readString(dir.resolve("key.pem")))))
                .isEqualTo(Pem.encodePrivateKey(device.key()));
    }

    @Test
    void aRestartedGatewayGetsItsWorkerBack() {
        worker = worker(address);
        worker.send(DeviceRequest.of(Route.DATA_OUT, DEVICE, heartbeat()));
        assertThat(dispatcher.workers()).containsKey("device");
        dispatcher.close();

        assertThatThrownBy(() -> worker.send(DeviceRequest.of(Route.DATA_OUT, DEVICE, heartbeat())))
                .isInstanceOf(FlottaException.class);
        dispatcher = startDispatcher(address);
        assertThat(dispatcher.workers()).isEmpty();

        assertThat(worker.send(DeviceRequest.of(Route.DATA_OUT, DEVICE, heartbeat())).status()).isEqualTo(200);
        assertThat(dispatcher.workers()).containsKey("device");
        assertThat(dispatcher.dispatch(new WorkerMessage("m", Map.of(), "{\"version\":\"7\"}".getBytes(StandardCharsets.UTF_8),
                "", "device"))).isTrue();
        assertThat(worker.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)).etag()).isEqualTo("7");
    }

    @Test
    void anUnreachableControlPlaneIsAnErrorButKeepsTheRegistration() {
        worker = worker(address);
        worker.send(DeviceRequest.of(Route.DATA_OUT, DEVICE, heartbeat()));
        String workerAddress = dispatcher.workers().get("device").address();

        assertThatThrownBy(() -> worker.send(DeviceRequest.of(Route.DATA_OUT, DEVICE,
                new String(heartbeat(), StandardCharsets.UTF_8).replace("heartbeat", "unreachable")
                        .getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(FlottaException.class).hasMessageContaining("control plane unreachable");

        assertThat(worker.send(DeviceRequest.of(Route.DATA_OUT, DEVICE, heartbeat())).status()).isEqualTo(200);
        assertThat(dispatcher.workers().get("device").address()).as("not registered again").isEqualTo(workerAddress);
        assertThat(workerChanges).hasSize(1);
    }

    @Test
    void abstractSocketAddressesAsUpstreamHandsThemOut() {
        dispatcher.close();
        String abstractAddress = "unix:@flotta-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        dispatcher = startDispatcher(abstractAddress);
        worker = worker(abstractAddress);
        assertThat(worker.send(DeviceRequest.of(Route.DATA_OUT, DEVICE, heartbeat())).status()).isEqualTo(200);
        assertThat(dispatcher.workers().get("device").address()).startsWith("@ygg-device-");
    }

    private static byte[] heartbeat() {
        return ("{\"type\":\"data\",\"message_id\":\"" + java.util.UUID.randomUUID() + "\",\"response_to\":\"\","
                + "\"version\":1,\"directive\":\"heartbeat\",\"metadata\":null,\"content\":{\"status\":\"up\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
