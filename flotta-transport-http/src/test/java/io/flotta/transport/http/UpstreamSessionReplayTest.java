package io.flotta.transport.http;

import io.flotta.core.testkit.Conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replays the real upstream agent's requests from a recorded session with the real upstream
 * operator. The stub API gives the operator's recorded answer; what goes over the wire must then
 * be what the operator sent (status, body, Content-Type or none), and the API must have been
 * asked the right question (route, device id, body, certificate).
 */
class UpstreamSessionReplayTest {


    @Test
    void everyRecordedExchangeRoundTrips() throws Exception {
        List<JsonNode> exchanges = load();
        assertThat(exchanges).hasSize(143);

        TestCertificates pki = TestCertificates.create();
        Map<String, HttpClient> clients = Map.of(
                "register", Https.rawClient(pki.caCertificate(), pki.client("register").identity()),
                HttpTransportServerTest.DEVICE,
                Https.rawClient(pki.caCertificate(), pki.client(HttpTransportServerTest.DEVICE).identity()));
        RecordingApi api = new RecordingApi();

        try (TransportServer server = new HttpTransportServerProvider().start(
                new TransportServerConfig("127.0.0.1", 0, pki.serverContext(), 1 << 20, Duration.ofSeconds(30)), api)) {
            for (JsonNode exchange : exchanges) {
                String label = exchange.get("t").asText() + " " + exchange.get("method").asText() + " "
                        + exchange.get("path").asText() + " -> " + exchange.get("status").asInt();
                byte[] recordedAnswer = exchange.get("response").asText().getBytes(StandardCharsets.UTF_8);
                api.answerAlways(new DeviceResponse(exchange.get("status").asInt(), recordedAnswer, null));

                HttpResponse<byte[]> response = clients.get(exchange.get("client_cn").asText())
                        .send(request(server.port(), exchange), HttpResponse.BodyHandlers.ofByteArray());

                DeviceRequest seen = api.next();
                String path = exchange.get("path").asText();
                assertThat(seen.route()).as(label).isEqualTo(routeOf(exchange.get("method").asText(), path));
                assertThat(seen.deviceId()).as(label).isEqualTo(path.split("/")[5]);
                assertThat(TestCertificates.cn(seen.clientChain().get(0))).as(label)
                        .isEqualTo(exchange.get("client_cn").asText());
                assertThat(new String(seen.body(), StandardCharsets.UTF_8)).as(label)
                        .isEqualTo(exchange.get("request").asText());

                assertThat(response.statusCode()).as(label).isEqualTo(exchange.get("status").asInt());
                assertThat(response.body()).as(label).isEqualTo(recordedAnswer);
                JsonNode recordedType = exchange.get("resp_headers").get("Content-Type");
                assertThat(response.headers().firstValue("Content-Type").orElse(null)).as(label)
                        .isEqualTo(recordedType == null ? null : recordedType.asText());
                assertThat(response.headers().firstValue("Date")).as(label).isPresent();
            }
        }
    }

    private static HttpRequest request(int port, JsonNode exchange) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + port + exchange.get("path").asText()));
        exchange.get("req_headers").fields().forEachRemaining(header -> {
            // the JDK client sets these itself
            if (!header.getKey().equals("Host") && !header.getKey().equals("Content-Length")) {
                builder.header(header.getKey(), header.getValue().asText());
            }
        });
        String body = exchange.get("request").asText();
        return builder.method(exchange.get("method").asText(), body.isEmpty()
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static Route routeOf(String method, String path) {
        boolean data = path.contains("/data/");
        return method.equals("GET")
                ? (data ? Route.DATA_IN : Route.CONTROL_IN)
                : (data ? Route.DATA_OUT : Route.CONTROL_OUT);
    }

    private static List<JsonNode> load() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> exchanges = new ArrayList<>();
        try (InputStream in = java.nio.file.Files.newInputStream(
                Conformance.directory().resolve(Conformance.OPERATOR_SESSION))) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    exchanges.add(json.readTree(line));
                }
            }
        }
        return exchanges;
    }
}
