package io.flotta.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.core.internal.ca.CaFixture;
import io.flotta.core.pki.Tls;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.spi.transport.TransportServerProvider;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gRPC transport against a scripted {@link DeviceApi}: status mapping, the peer chain handed to
 * the API, the watch's reconnect after the server went away, and the client's failures.
 */
class GrpcTransportTest {

    @TempDir
    static Path dir;
    static CertificateAuthority ca;
    static SSLContext serverTls;
    static ClientIdentity identity;

    @BeforeAll
    static void pki() {
        ca = CaFixture.open(dir.resolve("ca"));
        IssuedCredential server = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        serverTls = Tls.serverContext(server.key(), server.chain());
        IssuedCredential registration = ca.issueRegistration(Duration.ofDays(1));
        identity = new ClientIdentity(registration.key(), registration.chain());
    }

    @AfterAll
    static void closeCa() {
        ca.close();
    }

    @Test
    void providersAreFoundByName() {
        assertThat(ProviderRegistry.discover(TransportServerProvider.class).select("grpc"))
                .isInstanceOf(GrpcTransportServerProvider.class);
        assertThat(ProviderRegistry.discover(TransportClientProvider.class).select("grpc"))
                .isInstanceOf(GrpcTransportClientProvider.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 208, 400, 401, 403, 404, 409, 413, 500, 503})
    void everyStatusTheApiAnswersReachesTheClient(int status) {
        byte[] body = status < 300 ? "{\"ok\":true}".getBytes(StandardCharsets.UTF_8) : new byte[0];
        try (TransportServer server = start(0, request -> CompletableFuture.completedFuture(
                new DeviceResponse(status, body, null)));
             TransportClient client = new GrpcTransportClientProvider().create(config(server.port()))) {
            for (Route route : Route.values()) {
                DeviceResponse answer = client.send(DeviceRequest.of(route, "d1", "{}".getBytes(StandardCharsets.UTF_8)));
                assertThat(answer.status()).as("%s", route).isEqualTo(status);
                assertThat(answer.body()).as("%s", route).isEqualTo(body);
            }
        }
    }

    @Test
    void theApiSeesTheClientChainFromTheTlsSession() {
        List<DeviceRequest> seen = new CopyOnWriteArrayList<>();
        try (TransportServer server = start(0, request -> {
            seen.add(request);
            return CompletableFuture.completedFuture(DeviceResponse.ok(new byte[0]));
        });
             TransportClient client = new GrpcTransportClientProvider().create(config(server.port()))) {
            client.send(DeviceRequest.of(Route.CONTROL_IN, "d1", null));
            client.send(DeviceRequest.of(Route.DATA_OUT, "d1", heartbeat()));
        }
        assertThat(seen).hasSize(2);
        assertThat(seen).allSatisfy(r -> assertThat(r.clientChain()).containsExactlyElementsOf(identity.chain()));
        assertThat(seen.get(1).route()).isEqualTo(Route.DATA_OUT);
        assertThat(seen.get(1).body()).isEqualTo(heartbeat());
    }

    @Test
    void anEnvelopeWhoseDirectiveContradictsTheRpcIsRefusedBeforeTheApi() throws Exception {
        List<DeviceRequest> seen = new CopyOnWriteArrayList<>();
        try (TransportServer server = start(0, request -> {
            seen.add(request);
            return CompletableFuture.completedFuture(DeviceResponse.ok(new byte[0]));
        })) {
            var channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .sslContext(io.flotta.transport.grpc.internal.NettyTls.client(Tls.clientContext(identity, ca.trustAnchors())))
                    .build();
            try {
                var stub = io.flotta.transport.grpc.v1.DeviceGrpc.newBlockingStub(channel);
                var envelope = io.flotta.transport.grpc.v1.Envelope.newBuilder().setDeviceId("d1")
                        .setJson(com.google.protobuf.ByteString.copyFrom(heartbeat())).build();
                assertThatThrownBy(() -> stub.register(envelope))
                        .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
                            assertThat(e.getTrailers().get(io.flotta.transport.grpc.internal.Statuses.HTTP_STATUS))
                                    .isEqualTo("400");
                        });
                assertThat(stub.heartbeat(envelope).getStatus()).isEqualTo(200);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        assertThat(seen).hasSize(1);
    }

    @Test
    void noServerMeansUnavailable() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (TransportClient client = new GrpcTransportClientProvider().create(config(port))) {
            assertThatThrownBy(() -> client.send(DeviceRequest.of(Route.DATA_OUT, "d1", heartbeat())))
                    .isInstanceOfSatisfying(FlottaException.class,
                            e -> assertThat(e.code()).isEqualTo(FlottaException.Code.UNAVAILABLE));
            assertThatThrownBy(() -> client.send(DeviceRequest.of(Route.DATA_IN, "d1", null)
                    .withConditions("v1", Duration.ofMillis(500))))
                    .isInstanceOfSatisfying(FlottaException.class,
                            e -> assertThat(e.code()).isEqualTo(FlottaException.Code.UNAVAILABLE));
        }
    }

    @Test
    void theWatchReconnectsWhenTheServerComesBack() throws Exception {
        AtomicReference<String> version = new AtomicReference<>("v1");
        DeviceApi api = request -> {
            String current = version.get();
            if (current.equals(request.ifNoneMatch())) {
                // hold the wait until the test ends it by stopping the server
                return request.maxWait().isZero()
                        ? CompletableFuture.completedFuture(new DeviceResponse(304, new byte[0], current))
                        : new CompletableFuture<>();
            }
            return CompletableFuture.completedFuture(new DeviceResponse(200, config(current), current));
        };
        GrpcTransportClientProvider provider = new GrpcTransportClientProvider();
        TransportServer first = start(0, api);
        int port = first.port();
        try (TransportClient client = provider.create(config(port))) {
            DeviceResponse v1 = client.send(DeviceRequest.of(Route.DATA_IN, "d1", null).withConditions(null, Duration.ofSeconds(10)));
            assertThat(v1.status()).isEqualTo(200);
            assertThat(v1.etag()).isEqualTo("v1");
            assertThat(client.send(DeviceRequest.of(Route.DATA_IN, "d1", null).withConditions("v1", Duration.ofMillis(300))).status())
                    .isEqualTo(304);

            first.close();
            version.set("v2");
            try (TransportServer second = start(port, api)) {
                DeviceResponse v2 = client.send(DeviceRequest.of(Route.DATA_IN, "d1", null)
                        .withConditions("v1", Duration.ofSeconds(20)));
                assertThat(v2.status()).isEqualTo(200);
                assertThat(v2.etag()).isEqualTo("v2");
                assertThat(((io.flotta.transport.grpc.internal.GrpcTransportServer) second).openWatches()).isEqualTo(1);
            }
        }
        assertThat(provider.openClients()).isZero();
    }

    @Test
    void clientsOfOneProviderShareTheirThreadsUntilTheLastCloses() {
        GrpcTransportClientProvider provider = new GrpcTransportClientProvider();
        TransportClient a = provider.create(config(1));
        TransportClient b = provider.create(config(1));
        assertThat(provider.openClients()).isEqualTo(2);
        a.close();
        a.close();
        assertThat(provider.openClients()).isEqualTo(1);
        b.close();
        assertThat(provider.openClients()).isZero();
    }

    // ------------------------------------------------------------------ helpers

    static TransportServer start(int port, DeviceApi api) {
        return new GrpcTransportServerProvider().start(
                new TransportServerConfig("127.0.0.1", port, serverTls, 64 * 1024, Duration.ofSeconds(30)), api);
    }

    static TransportClientConfig config(int port) {
        return new TransportClientConfig(URI.create("https://127.0.0.1:" + port), ca.trustAnchors(), identity,
                Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    static byte[] heartbeat() {
        return "{\"type\":\"data\",\"directive\":\"heartbeat\",\"content\":{}}".getBytes(StandardCharsets.UTF_8);
    }

    static byte[] config(String version) {
        return ("{\"directive\":\"device\",\"content\":{\"version\":\"" + version + "\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
