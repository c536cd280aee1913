package io.flotta.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl (OpenSSL) as the client: a TLS and HTTP stack independent of the JDK, as the upstream agent
 * (Go) is. Needs the {@code curl} binary; fails if it is missing.
 */
class CurlInteropIT {

    static final String DEVICE = "7ca12aeb-fe05-49c1-82e9-5e0e58405901";
    static final String API = "/api/flotta-management/v1";
    static final int MAX_BODY = 32 * 1024;

    @TempDir
    Path dir;

    TestCertificates pki;
    final RecordingApi api = new RecordingApi();
    TransportServer server;
    Path ca;
    Path cert;
    Path key;

    @BeforeEach
    void start() {
        pki = TestCertificates.create();
        TestCertificates.Issued device = pki.client(DEVICE);
        ca = TestCertificates.writePem(dir.resolve("ca.pem"), pki.caCertificate());
        cert = TestCertificates.writePem(dir.resolve("device.pem"), device.certificate());
        key = TestCertificates.writePem(dir.resolve("device.key"), device.key());
        server = new HttpTransportServerProvider().start(
                new TransportServerConfig("127.0.0.1", 0, pki.serverContext(), MAX_BODY, Duration.ofSeconds(30)), api);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void getWithClientCertificate() throws Exception {
        api.answerAlways(new DeviceResponse(200, "{\"directive\":\"device\"}".getBytes(StandardCharsets.UTF_8), "42"));

        Curl result = curl(true, API + "/data/" + DEVICE + "/in");

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).isEqualTo("{\"directive\":\"device\"}");
        assertThat(result.headers()).containsIgnoringCase("content-type: application/json")
                .containsIgnoringCase("etag: \"42\"");
        DeviceRequest seen = api.next();
        assertThat(seen.route()).isEqualTo(Route.DATA_IN);
        assertThat(TestCertificates.cn(seen.clientChain().get(0))).isEqualTo(DEVICE);
    }

    @Test
    void postWithClientCertificate() throws Exception {
        api.answerAlways(DeviceResponse.empty(200));
        String body = "{\"type\":\"data\",\"directive\":\"heartbeat\",\"content\":{\"status\":\"up\"}}";

        Curl result = curl(true, API + "/data/" + DEVICE + "/out",
                "-H", "Content-Type: application/json", "--data-binary", body);

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.body()).isEmpty();
        DeviceRequest seen = api.next();
        assertThat(seen.route()).isEqualTo(Route.DATA_OUT);
        assertThat(new String(seen.body(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(TestCertificates.cn(seen.clientChain().get(0))).isEqualTo(DEVICE);
    }

    @Test
    void conditionalGetGets304() throws Exception {
        api.answerNow(request -> "42".equals(request.ifNoneMatch())
                ? new DeviceResponse(304, null, "42")
                : new DeviceResponse(200, "{}".getBytes(StandardCharsets.UTF_8), "42"));

        Curl result = curl(true, API + "/data/" + DEVICE + "/in?wait=1", "-H", "If-None-Match: \"42\"");

        assertThat(result.status()).isEqualTo(304);
        assertThat(result.body()).isEmpty();
        DeviceRequest seen = api.next();
        assertThat(seen.ifNoneMatch()).isEqualTo("42");
        assertThat(seen.maxWait()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void withoutClientCertificateTheApiSeesNone() throws Exception {
        api.answerAlways(DeviceResponse.empty(401));

        Curl result = curl(false, API + "/control/" + DEVICE + "/in");

        assertThat(result.status()).isEqualTo(401);
        assertThat(result.body()).isEmpty();
        assertThat(api.next().clientChain()).isEmpty();
        assertThat(curl(false, "/healthz").status()).isEqualTo(200);
    }

    @Test
    void oversizedUploadIs413() throws Exception {
        Path big = dir.resolve("big.json");
        Files.write(big, new byte[4 * MAX_BODY]);

        Curl result = curl(true, API + "/data/" + DEVICE + "/out",
                "-H", "Content-Type: application/json", "--data-binary", "@" + big);
        Curl chunked = curl(true, API + "/data/" + DEVICE + "/out",
                "-H", "Content-Type: application/json", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + big);

        assertThat(result.status()).isEqualTo(413);
        assertThat(result.body()).isEmpty();
        assertThat(chunked.status()).isEqualTo(413);
        api.expectNone(Duration.ofMillis(100));
        assertThat(curl(true, API + "/data/" + DEVICE + "/in").status()).isEqualTo(200);
    }

    @Test
    void unknownPathAndWrongMethod() throws Exception {
        assertThat(curl(true, API + "/nothing/here").status()).isEqualTo(404);
        Curl wrong = curl(true, API + "/data/" + DEVICE + "/in", "-X", "DELETE");
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.body()).isEmpty();
    }

    record Curl(int status, String body, String headers) {
    }

    private Curl curl(boolean withCertificate, String path, String... extra) throws IOException, InterruptedException {
        Path bodyFile = Files.createTempFile(dir, "body", ".out");
        Path headerFile = Files.createTempFile(dir, "headers", ".out");
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--http1.1",
                "--cacert", ca.toString(), "--output", bodyFile.toString(), "--dump-header", headerFile.toString(),
                "--write-out", "%{http_code}", "--max-time", "20"));
        if (withCertificate) {
            command.addAll(List.of("--cert", cert.toString(), "--key", key.toString()));
        }
        command.addAll(List.of(extra));
        command.add("https://127.0.0.1:" + server.port() + path);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
        assertThat(process.exitValue()).as("curl exit status, output: " + output).isZero();
        return new Curl(Integer.parseInt(output.trim()), Files.readString(bodyFile), Files.readString(headerFile));
    }
}
