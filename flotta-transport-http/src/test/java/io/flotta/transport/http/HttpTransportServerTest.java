package io.flotta.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.transport.http.internal.DevicePaths;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpTransportServerTest {

    static final String DEVICE = "7ca12aeb-fe05-49c1-82e9-5e0e58405901";
    static final String API = "/api/flotta-management/v1";
    static final int MAX_BODY = 64 * 1024;
    static final Duration MAX_WAIT = Duration.ofSeconds(20);

    static TestCertificates pki;
    static TestCertificates.Issued device;

    final RecordingApi api = new RecordingApi();
    TransportServer server;
    HttpClient raw;

    @BeforeAll
    static void pki() {
        pki = TestCertificates.create();
        device = pki.client(DEVICE);
    }

    @BeforeEach
    void start() {
        server = new HttpTransportServerProvider().start(
                new TransportServerConfig("127.0.0.1", 0, pki.serverContext(), MAX_BODY, MAX_WAIT), api);
        raw = Https.rawClient(pki.caCertificate(), device.identity());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void eachRouteReachesTheApiWithDeviceIdClientChainAndBody(Route route) {
        api.answerAlways(DeviceResponse.ok("{\"answer\":1}".getBytes(StandardCharsets.UTF_8)));
        boolean out = route == Route.DATA_OUT || route == Route.CONTROL_OUT;
        byte[] body = out ? "{\"type\":\"data\",\"directive\":\"heartbeat\"}".getBytes(StandardCharsets.UTF_8) : new byte[0];

        DeviceResponse response;
        try (TransportClient client = client(device)) {
            response = client.send(DeviceRequest.of(route, DEVICE, body));
        }

        DeviceRequest seen = api.next();
        assertThat(seen.route()).isEqualTo(route);
        assertThat(seen.deviceId()).isEqualTo(DEVICE);
        assertThat(seen.clientChain()).hasSize(1);
        assertThat(TestCertificates.cn(seen.clientChain().get(0))).isEqualTo(DEVICE);
        assertThat(seen.clientChain().get(0)).isEqualTo(device.certificate());
        assertThat(seen.body()).isEqualTo(body);
        assertThat(seen.ifNoneMatch()).isNull();
        assertThat(seen.maxWait()).isZero();
        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"answer\":1}");
    }

    @Test
    void deviceIdIsDecodedFromItsPathSegment() {
        try (TransportClient client = client(device)) {
            client.send(DeviceRequest.of(Route.DATA_IN, "odd id ü", null));
        }
        assertThat(api.next().deviceId()).isEqualTo("odd id ü");
    }

    @ParameterizedTest
    @ValueSource(strings = {API + "/data//in", API + "/data/a%2Fb/in", API + "/data/%C3%28/in"})
    void ambiguousPathsAreRefusedWithEmptyBody(String path) throws Exception {
        HttpResponse<byte[]> response = raw.send(get(path), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isIn(400, 404);
        assertThat(response.body()).isEmpty();
        api.expectNone(Duration.ofMillis(50));
    }

    @Test
    void oversizedBodyWithContentLengthIsRefusedBeforeTheApi() throws Exception {
        // repeated: a 413 sent while the client still uploads must not be lost to a reset
        for (int i = 0; i < 20; i++) {
            HttpResponse<byte[]> response = raw.send(post(API + "/data/" + DEVICE + "/out",
                    HttpRequest.BodyPublishers.ofByteArray(new byte[4 * MAX_BODY])), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).isEmpty();
        }
        api.expectNone(Duration.ofMillis(200));
        assertStillServing();
    }

    @Test
    void oversizedChunkedBodyIsRefusedBeforeTheApi() throws Exception {
        for (int i = 0; i < 20; i++) {
            // An InputStream publisher has no known length: the JDK sends it chunked.
            HttpRequest request = post(API + "/control/" + DEVICE + "/out", HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(new byte[4 * MAX_BODY])));

            HttpResponse<byte[]> response = raw.send(request, HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.body()).isEmpty();
        }
        api.expectNone(Duration.ofMillis(200));
        assertStillServing();
    }

    @Test
    void hugeBodyAnnouncedWithExpectContinueIsRefusedWithoutReadingIt() throws Exception {
        // far beyond what the server drains: it must answer before the client sends anything
        byte[] huge = new byte[MAX_BODY + 4 * (1 << 20)];
        HttpRequest request = HttpRequest.newBuilder(uri(API + "/data/" + DEVICE + "/out"))
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build();

        HttpResponse<byte[]> response = raw.send(request, HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEmpty();
        api.expectNone(Duration.ofMillis(200));
        assertStillServing();
    }

    @Test
    void bodyOfExactlyTheLimitReachesTheApi() throws Exception {
        byte[] body = new byte[MAX_BODY];
        Arrays.fill(body, (byte) 'y');

        HttpResponse<byte[]> response = raw.send(post(API + "/data/" + DEVICE + "/out",
                HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(api.next().body()).isEqualTo(body);
    }

    @Test
    void chunkedBodyUpToTheLimitReachesTheApi() throws Exception {
        byte[] body = new byte[MAX_BODY];
        Arrays.fill(body, (byte) 'x');
        HttpRequest request = post(API + "/data/" + DEVICE + "/out",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        HttpResponse<byte[]> response = raw.send(request, HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(api.next().body()).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api", API, API + "/data/" + DEVICE, API + "/data/" + DEVICE + "/sideways",
            API + "/status/" + DEVICE + "/in", API + "/data/" + DEVICE + "/in/more",
            "/api/flotta-management/v2/data/" + DEVICE + "/in"})
    void unknownPathsAre404WithEmptyBody(String path) throws Exception {
        HttpResponse<byte[]> response = raw.send(get(path), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEmpty();
        api.expectNone(Duration.ofMillis(50));
    }

    @Test
    void wrongMethodsAre405WithEmptyBodyAndAllow() throws Exception {
        record Case(String method, String path, String allow) {
        }
        List<Case> cases = List.of(
                new Case("POST", API + "/data/" + DEVICE + "/in", "GET"),
                new Case("GET", API + "/data/" + DEVICE + "/out", "POST"),
                new Case("PUT", API + "/control/" + DEVICE + "/out", "POST"),
                new Case("DELETE", API + "/control/" + DEVICE + "/in", "GET"),
                new Case("POST", "/healthz", "GET, HEAD"));
        for (Case c : cases) {
            HttpRequest request = HttpRequest.newBuilder(uri(c.path()))
                    .method(c.method(), HttpRequest.BodyPublishers.ofString("{}")).build();

            HttpResponse<byte[]> response = raw.send(request, HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).as(c.toString()).isEqualTo(405);
            assertThat(response.body()).as(c.toString()).isEmpty();
            assertThat(response.headers().firstValue("Allow")).as(c.toString()).contains(c.allow());
        }
        api.expectNone(Duration.ofMillis(50));
    }

    @Test
    void refusalBeforeTheBodyArrivesSaysTheConnectionCloses() throws Exception {
        // The body is held back, as when it travels in a later packet: the server refuses without
        // reading it and must announce the close, or a pooling client reuses a closing connection.
        try (SSLSocket socket = (SSLSocket) Https
                .rawContext(pki.caCertificate(), device.identity()).getSocketFactory()
                .createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String head = "POST " + API + "/data/" + DEVICE + "/in HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            BufferedReader reader = new BufferedReader(new InputStreamReader(
                    socket.getInputStream(), StandardCharsets.US_ASCII));
            List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                lines.add(line.toLowerCase(Locale.ROOT));
            }

            assertThat(lines.get(0)).startsWith("http/1.1 405");
            assertThat(lines).contains("connection: close");
        }
        api.expectNone(Duration.ofMillis(50));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/healthz", "/readyz"})
    void healthEndpointsNeedNoClientCertificate(String path) throws Exception {
        HttpClient anonymous = Https.rawClient(pki.caCertificate(), null);

        HttpResponse<byte[]> response = anonymous.send(get(path), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        api.expectNone(Duration.ofMillis(50));
    }

    @Test
    void clientWithoutCertificateReachesTheApiWithAnEmptyChain() throws Exception {
        api.answerAlways(DeviceResponse.empty(401));
        HttpClient anonymous = Https.rawClient(pki.caCertificate(), null);

        HttpResponse<byte[]> response = anonymous.send(get(API + "/data/" + DEVICE + "/in"),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(api.next().clientChain()).isEmpty();
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void expiredClientCertificateStillReachesTheApi() {
        TestCertificates.Issued expired = pki.expiredClient(DEVICE);
        try (TransportClient client = client(expired)) {
            client.send(DeviceRequest.of(Route.CONTROL_IN, DEVICE, null));
        }
        assertThat(api.next().clientChain()).containsExactly(expired.certificate());
    }

    @Test
    void certificateFromAnotherCaStillReachesTheApi() {
        TestCertificates.Issued foreign = TestCertificates.clientOf(TestCertificates.foreignCa(), DEVICE);
        try (TransportClient client = client(foreign)) {
            client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null));
        }
        assertThat(api.next().clientChain()).containsExactly(foreign.certificate());
    }

    @Test
    void apiThatThrowsGives500WithEmptyBodyAndTheServerKeepsServing() throws Exception {
        api.answer(request -> {
            throw new IllegalStateException("boom");
        });
        HttpResponse<byte[]> thrown = raw.send(get(API + "/data/" + DEVICE + "/in"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(thrown.statusCode()).isEqualTo(500);
        assertThat(thrown.body()).isEmpty();

        api.answer(request -> CompletableFuture.failedFuture(new IllegalStateException("async boom")));
        HttpResponse<byte[]> failed = raw.send(get(API + "/data/" + DEVICE + "/in"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).isEmpty();
        assertThat(failed.headers().firstValue("Content-Type")).isEmpty();

        api.answer(request -> null);
        assertThat(raw.send(get(API + "/data/" + DEVICE + "/in"), HttpResponse.BodyHandlers.ofByteArray()).statusCode())
                .isEqualTo(500);

        api.answerAlways(new DeviceResponse(42, null, null));
        assertThat(raw.send(get(API + "/data/" + DEVICE + "/in"), HttpResponse.BodyHandlers.ofByteArray()).statusCode())
                .isEqualTo(500);

        api.answerAlways(DeviceResponse.ok("{}".getBytes(StandardCharsets.UTF_8)));
        api.clear();
        assertStillServing();
    }

    @Test
    void contentTypeAsUpstreamSendsIt() throws Exception {
        // upstream: every 200 but control/out says application/json, even when empty; 208 and errors do not
        assertContentType(Route.DATA_OUT, DeviceResponse.empty(200), true);
        assertContentType(Route.CONTROL_IN, DeviceResponse.empty(200), true);
        assertContentType(Route.DATA_IN, DeviceResponse.ok("{}".getBytes(StandardCharsets.UTF_8)), true);
        assertContentType(Route.CONTROL_OUT, DeviceResponse.empty(200), false);
        assertContentType(Route.DATA_OUT, DeviceResponse.empty(208), false);
        assertContentType(Route.DATA_IN, DeviceResponse.empty(401), false);
        assertContentType(Route.DATA_OUT, DeviceResponse.empty(500), false);
    }

    private void assertContentType(Route route, DeviceResponse answer, boolean json) throws Exception {
        api.answerAlways(answer);
        String path = DevicePaths.path(route, DEVICE);
        HttpRequest request = route == Route.DATA_OUT || route == Route.CONTROL_OUT
                ? post(path, HttpRequest.BodyPublishers.ofString("{}"))
                : get(path);

        HttpResponse<byte[]> response = raw.send(request, HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(answer.status());
        assertThat(response.body()).isEqualTo(answer.body());
        if (json) {
            assertThat(response.headers().firstValue("Content-Type")).as(route + " " + answer.status()).contains("application/json");
        } else {
            assertThat(response.headers().firstValue("Content-Type")).as(route + " " + answer.status()).isEmpty();
        }
        assertThat(response.headers().firstValue("Server")).isEmpty();
    }

    @Test
    void etagIfNoneMatchAnd304RoundTripThroughOurClient() {
        byte[] configuration = "{\"directive\":\"device\"}".getBytes(StandardCharsets.UTF_8);
        api.answerNow(request -> "v2".equals(request.ifNoneMatch())
                ? new DeviceResponse(304, null, "v2")
                : new DeviceResponse(200, configuration, "v2"));

        try (TransportClient client = client(device)) {
            DeviceResponse first = client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null));
            assertThat(api.next().ifNoneMatch()).isNull();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.etag()).isEqualTo("v2");
            assertThat(first.body()).isEqualTo(configuration);

            DeviceResponse second = client.send(
                    DeviceRequest.of(Route.DATA_IN, DEVICE, null).withConditions(first.etag(), Duration.ZERO));
            assertThat(api.next().ifNoneMatch()).isEqualTo("v2");
            assertThat(second.status()).isEqualTo(304);
            assertThat(second.etag()).isEqualTo("v2");
            assertThat(second.body()).isEmpty();
        }
    }

    @Test
    void etagIsQuotedOnTheWireAndWeakOrQuotedIfNoneMatchIsUnderstood() throws Exception {
        api.answerAlways(new DeviceResponse(200, "{}".getBytes(StandardCharsets.UTF_8), "abc123"));
        HttpResponse<byte[]> response = raw.send(get(API + "/data/" + DEVICE + "/in"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.headers().firstValue("ETag")).contains("\"abc123\"");
        api.next();

        for (String header : List.of("W/\"abc123\"", "\"abc123\"", "abc123", "\"abc123\", \"older\"")) {
            raw.send(HttpRequest.newBuilder(uri(API + "/data/" + DEVICE + "/in")).header("If-None-Match", header).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(api.next().ifNoneMatch()).as(header).isEqualTo("abc123");
        }
    }

    @Test
    void waitParameterBecomesMaxWaitCappedAtTheServerLimit() throws Exception {
        try (TransportClient client = client(device)) {
            client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null).withConditions(null, Duration.ofSeconds(3)));
        }
        assertThat(api.next().maxWait()).isEqualTo(Duration.ofSeconds(3));

        raw.send(get(API + "/data/" + DEVICE + "/in?wait=9999"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(api.next().maxWait()).isEqualTo(MAX_WAIT);

        for (String bad : List.of("soon", "-1", "1.5")) {
            HttpResponse<byte[]> response = raw.send(get(API + "/data/" + DEVICE + "/in?wait=" + bad),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.body()).as(bad).isEmpty();
        }
        api.expectNone(Duration.ofMillis(50));
    }

    @Test
    void pendingAnswerIsSentWhenTheApiCompletesLater() throws Exception {
        CompletableFuture<DeviceResponse> later = new CompletableFuture<>();
        api.answer(request -> later);

        CompletableFuture<HttpResponse<byte[]>> response = raw.sendAsync(get(API + "/data/" + DEVICE + "/in?wait=10"),
                HttpResponse.BodyHandlers.ofByteArray());
        api.next();
        Thread.sleep(200);
        assertThat(response).isNotDone();

        later.complete(new DeviceResponse(200, "{\"late\":true}".getBytes(StandardCharsets.UTF_8), "v9"));
        HttpResponse<byte[]> done = response.get();
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(new String(done.body(), StandardCharsets.UTF_8)).isEqualTo("{\"late\":true}");
    }

    private void assertStillServing() throws Exception {
        HttpClient fresh = Https.rawClient(pki.caCertificate(), device.identity());
        HttpResponse<byte[]> response = fresh.send(post(API + "/data/" + DEVICE + "/out",
                HttpRequest.BodyPublishers.ofString("{\"ok\":true}")), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(api.next().body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
    }

    private TransportClient client(TestCertificates.Issued identity) {
        return new HttpTransportClientProvider().create(
                Https.clientConfig(server.port(), pki.caCertificate(), identity.identity()));
    }

    private URI uri(String path) {
        return URI.create(Https.base(server.port()) + path);
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).GET().build();
    }

    private HttpRequest post(String path, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").POST(body).build();
    }
}
