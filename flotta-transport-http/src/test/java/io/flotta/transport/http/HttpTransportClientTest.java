package io.flotta.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLHandshakeException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpTransportClientTest {

    static final String DEVICE = "device-1";

    static TestCertificates pki;

    final RecordingApi api = new RecordingApi();
    TransportServer server;

    @BeforeAll
    static void pki() {
        pki = TestCertificates.create();
    }

    @BeforeEach
    void start() {
        server = start(pki.serverContext());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void useIdentitySwitchesTheCertificateTheServerSees() {
        try (TransportClient client = client(pki.client("register").identity())) {
            client.send(DeviceRequest.of(Route.DATA_OUT, DEVICE, "{}".getBytes()));
            client.send(DeviceRequest.of(Route.DATA_OUT, DEVICE, "{}".getBytes()));
            assertThat(cnOfNext()).isEqualTo("register");
            assertThat(cnOfNext()).isEqualTo("register");

            client.useIdentity(pki.client(DEVICE).identity());
            for (int i = 0; i < 3; i++) {
                client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null));
                assertThat(cnOfNext()).isEqualTo(DEVICE);
            }

            client.useIdentity(pki.client("renewed").identity());
            client.send(DeviceRequest.of(Route.CONTROL_IN, DEVICE, null));
            assertThat(cnOfNext()).isEqualTo("renewed");
        }
    }

    @Test
    void aBadIdentityLeavesTheWorkingOneInPlace() {
        TestCertificates.Issued a = pki.client(DEVICE);
        TestCertificates.Issued b = pki.client("other");
        try (TransportClient client = client(a.identity())) {
            assertThatThrownBy(() -> client.useIdentity(new ClientIdentity(b.key(), List.of(a.certificate()))))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("identity.key");

            client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null));
            assertThat(cnOfNext()).isEqualTo(DEVICE);
        }
    }

    @Test
    void keyFromBouncyCastlesProviderIsAccepted() throws Exception {
        TestCertificates.Issued device = pki.client(DEVICE);
        PrivateKey bcKey = KeyFactory.getInstance("ECDSA", new BouncyCastleProvider())
                .generatePrivate(new PKCS8EncodedKeySpec(device.key().getEncoded()));
        assertThat(bcKey.getAlgorithm()).isEqualTo("ECDSA");

        try (TransportClient client = client(new ClientIdentity(bcKey, List.of(device.certificate())))) {
            client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null));
        }
        assertThat(cnOfNext()).isEqualTo(DEVICE);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 208, 304, 400, 401, 403, 404, 413, 500, 503})
    void everyStatusComesBackAsAResponse(int status) {
        api.answerAlways(DeviceResponse.empty(status));
        try (TransportClient client = client(pki.client(DEVICE).identity())) {
            DeviceResponse response = client.send(DeviceRequest.of(Route.DATA_OUT, DEVICE, "{}".getBytes()));
            assertThat(response.status()).isEqualTo(status);
            assertThat(response.body()).isEmpty();
            assertThat(response.etag()).isNull();
        }
    }

    @Test
    void connectionRefusedIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (TransportClient client = new HttpTransportClientProvider().create(
                Https.clientConfig(closedPort, pki.caCertificate(), pki.client(DEVICE).identity()))) {
            assertThatThrownBy(() -> client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)))
                    .isInstanceOfSatisfying(FlottaException.class, e -> {
                        assertThat(e.code()).isEqualTo(FlottaException.Code.UNAVAILABLE);
                        assertThat(e.isRetryable()).isTrue();
                    })
                    .hasCauseInstanceOf(ConnectException.class);
        }
    }

    @Test
    void serverFromAnUntrustedCaIsUnavailable() {
        TestCertificates other = TestCertificates.create();
        try (TransportClient client = new HttpTransportClientProvider().create(
                Https.clientConfig(server.port(), other.caCertificate(), pki.client(DEVICE).identity()))) {
            assertThatThrownBy(() -> client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)))
                    .isInstanceOfSatisfying(FlottaException.class,
                            e -> assertThat(e.code()).isEqualTo(FlottaException.Code.UNAVAILABLE))
                    .hasCauseInstanceOf(SSLHandshakeException.class);
        }
        api.expectNone(Duration.ofMillis(50));
    }

    @Test
    void hostnameIsVerifiedForIpAddresses() {
        TestCertificates.Issued localhostOnly = pki.serverWithoutIpSan();
        try (TransportServer named = start(pki.serverContext(localhostOnly))) {
            // the certificate names localhost only: 127.0.0.1 must be refused ...
            try (TransportClient byIp = client(named.port(), "127.0.0.1")) {
                assertThatThrownBy(() -> byIp.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)))
                        .isInstanceOfSatisfying(FlottaException.class,
                                e -> assertThat(e.code()).isEqualTo(FlottaException.Code.UNAVAILABLE))
                        .hasCauseInstanceOf(SSLHandshakeException.class);
            }
            api.expectNone(Duration.ofMillis(50));
            // ... and localhost accepted
            try (TransportClient byName = client(named.port(), "localhost")) {
                assertThat(byName.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)).status()).isEqualTo(200);
            }
        }
        // the regular server certificate has the IP SAN
        try (TransportClient byIp = client(server.port(), "127.0.0.1")) {
            assertThat(byIp.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)).status()).isEqualTo(200);
        }
    }

    @Test
    void noAnswerWithinTheRequestTimeoutIsUnavailable() {
        api.answer(request -> new CompletableFuture<>());
        TransportClientConfig config = new TransportClientConfig(Https.base(server.port()), List.of(pki.caCertificate()),
                pki.client(DEVICE).identity(), Duration.ofSeconds(5), Duration.ofMillis(300));
        try (TransportClient client = new HttpTransportClientProvider().create(config)) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)
                    .withConditions(null, Duration.ofSeconds(1))))
                    .isInstanceOfSatisfying(FlottaException.class,
                            e -> assertThat(e.code()).isEqualTo(FlottaException.Code.UNAVAILABLE))
                    .hasCauseInstanceOf(HttpTimeoutException.class);
            // request timeout + the long poll's wait
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1300), Duration.ofSeconds(5));
        }
    }

    @Test
    void mismatchedKeyIsAConfigurationError() {
        TestCertificates.Issued a = pki.client(DEVICE);
        TestCertificates.Issued b = pki.client("other");
        assertThatThrownBy(() -> client(new ClientIdentity(b.key(), List.of(a.certificate()))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("identity.key");
    }

    @Test
    void plainHttpServerUriIsAConfigurationError() {
        assertThatThrownBy(() -> new HttpTransportClientProvider().create(new TransportClientConfig(
                URI.create("http://127.0.0.1:8043"), List.of(pki.caCertificate()), pki.client(DEVICE).identity(), null, null)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("https");
    }

    @Test
    void serverUriPathIsAPrefix() {
        try (TransportClient client = new HttpTransportClientProvider().create(new TransportClientConfig(
                URI.create("https://127.0.0.1:" + server.port() + "/"), List.of(pki.caCertificate()),
                pki.client(DEVICE).identity(), null, null))) {
            assertThat(client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)).status()).isEqualTo(200);
        }
        assertThat(api.next().route()).isEqualTo(Route.DATA_IN);
    }

    @Test
    void sendAfterCloseFails() {
        TransportClient client = client(pki.client(DEVICE).identity());
        client.close();
        assertThatThrownBy(() -> client.send(DeviceRequest.of(Route.DATA_IN, DEVICE, null)))
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining("closed");
    }

    private String cnOfNext() {
        return TestCertificates.cn(api.next().clientChain().get(0));
    }

    private TransportServer start(javax.net.ssl.SSLContext context) {
        return new HttpTransportServerProvider().start(
                new TransportServerConfig("127.0.0.1", 0, context, 1 << 16, Duration.ofSeconds(10)), api);
    }

    private TransportClient client(ClientIdentity identity) {
        return new HttpTransportClientProvider().create(Https.clientConfig(server.port(), pki.caCertificate(), identity));
    }

    private TransportClient client(int port, String host) {
        return new HttpTransportClientProvider().create(new TransportClientConfig(URI.create("https://" + host + ":" + port),
                List.of(pki.caCertificate()), pki.client(DEVICE).identity(), Duration.ofSeconds(5), Duration.ofSeconds(10)));
    }
}
