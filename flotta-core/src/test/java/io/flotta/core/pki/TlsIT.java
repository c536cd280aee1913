package io.flotta.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.flotta.core.internal.ca.CaFixture;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.ClientIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real TLS handshakes on 127.0.0.1 between contexts made by {@link Tls}. */
class TlsIT {

    @TempDir
    static Path caDirectory;
    @TempDir
    static Path foreignCaDirectory;

    private static CertificateAuthority ca;
    private static CertificateAuthority pastCa;
    private static CertificateAuthority foreignCa;
    private static IssuedCredential server;
    private static ExecutorService executor;

    @BeforeAll
    static void setUp() {
        ca = CaFixture.open(caDirectory);
        // the same CA, issuing as if it were ten days ago: makes certificates that have expired
        pastCa = CaFixture.open(caDirectory, Clock.fixed(Instant.now().minus(Duration.ofDays(10)), ZoneOffset.UTC));
        foreignCa = CaFixture.open(foreignCaDirectory);
        server = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        executor = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() {
        executor.shutdownNow();
        ca.close();
        pastCa.close();
        foreignCa.close();
    }

    @ParameterizedTest(name = "{0} with an {1} device key")
    @CsvSource({"TLSv1.3, EC", "TLSv1.2, EC", "TLSv1.3, RSA", "TLSv1.2, RSA"})
    void serverSeesTheClientsExpiredCertificate(String protocol, String keyType) throws Exception {
        KeyPair deviceKey = "EC".equals(keyType) ? Keys.generateEcP256() : PemTest.rsa(2048);
        IssuedCredential device = CaFixture.device(pastCa, deviceKey, "dev-1", "ns", Duration.ofDays(1));
        assertThat(CertificateChecks.validity(device.certificate(), Instant.now()))
                .isEqualTo(CertificateChecks.Validity.EXPIRED);

        List<X509Certificate> seen = handshake(device, ca.trustAnchors(), protocol);

        assertThat(seen).containsExactly(device.certificate());
        assertThat(CertificateChecks.signedByAny(seen.get(0), ca.trustAnchors())).isTrue();
        assertThat(CertificateChecks.commonName(seen.get(0))).contains("dev-1");
    }

    @Test
    void serverSeesACertificateFromAnotherCaAndLeavesTheVerdictToTheControlPlane() throws Exception {
        IssuedCredential stranger = CaFixture.device(foreignCa, "dev-1", "ns", Duration.ofDays(1));

        List<X509Certificate> seen = handshake(stranger, ca.trustAnchors(), "TLSv1.3");

        assertThat(seen).containsExactly(stranger.certificate());
        assertThat(ca.issued(seen.get(0))).isFalse();
    }

    @Test
    void clientRefusesAServerFromAnotherCa() {
        IssuedCredential device = CaFixture.device(ca, "dev-1", "ns", Duration.ofDays(1));

        assertThatThrownBy(() -> handshake(device, foreignCa.trustAnchors(), "TLSv1.3"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void nameCheckIsTheCallersAndHonoured() throws Exception {
        IssuedCredential localhostOnly = ca.issueServer(List.of("localhost"), List.of(), Duration.ofDays(1));
        IssuedCredential device = CaFixture.device(ca, "dev-1", "ns", Duration.ofDays(1));
        SSLContext serverContext = Tls.serverContext(localhostOnly.key(), localhostOnly.chain());
        SSLContext clientContext = Tls.clientContext(identity(device), ca.trustAnchors());

        // without endpoint identification the chain alone decides
        assertThat(handshake(serverContext, clientContext, "TLSv1.3", false)).containsExactly(device.certificate());
        // with it (as HTTP clients set it), 127.0.0.1 does not match a certificate for localhost only
        assertThatThrownBy(() -> handshake(serverContext, clientContext, "TLSv1.3", true))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void httpClientVerifiesTheIpSanAndPresentsTheDeviceCertificate() throws Exception {
        IssuedCredential device = CaFixture.device(ca, "dev-42", "ns", Duration.ofDays(1));
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(Tls.serverContext(server.key(), server.chain())) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setWantClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        https.createContext("/", exchange -> {
            List<X509Certificate> chain = Tls.peerChain(((HttpsExchange) exchange).getSSLSession());
            byte[] body = CertificateChecks.commonName(chain.get(0)).orElse("none").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        https.start();
        try {
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(Tls.clientContext(identity(device), ca.trustAnchors()))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("dev-42");
        } finally {
            https.stop(0);
        }
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefusedUpFront() {
        IssuedCredential device = CaFixture.device(ca, "dev-1", "ns", Duration.ofDays(1));

        assertThatThrownBy(() -> Tls.clientContext(
                new ClientIdentity(Keys.generateEcP256().getPrivate(), device.chain()), ca.trustAnchors()))
                .isInstanceOf(io.flotta.spi.FlottaException.class)
                .hasMessageContaining("does not belong");
        assertThatThrownBy(() -> Tls.clientContext(identity(device), List.of()))
                .hasMessageContaining("trustAnchors");
    }

    private List<X509Certificate> handshake(IssuedCredential client, List<X509Certificate> trustAnchors,
                                            String protocol) throws Exception {
        return handshake(Tls.serverContext(server.key(), server.chain()),
                Tls.clientContext(identity(client), trustAnchors), protocol, true);
    }

    /** One connection; returns the client chain the server saw. */
    private List<X509Certificate> handshake(SSLContext serverContext, SSLContext clientContext, String protocol,
                                            boolean identifyEndpoint) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listener.setWantClientAuth(true);
            Future<List<X509Certificate>> serverSide = executor.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(10_000);
                    socket.startHandshake();
                    List<X509Certificate> chain = Tls.peerChain(socket.getSession());
                    socket.getOutputStream().write(42);
                    socket.getOutputStream().flush();
                    return chain;
                }
            });
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory()
                    .createSocket("127.0.0.1", listener.getLocalPort())) {
                socket.setSoTimeout(10_000);
                socket.setEnabledProtocols(new String[] {protocol});
                if (identifyEndpoint) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    socket.setSSLParameters(parameters);
                }
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
                InputStream in = socket.getInputStream();
                assertThat(in.read()).isEqualTo(42);
            } catch (IOException e) {
                serverSide.cancel(true);
                throw e;
            }
            return serverSide.get(10, TimeUnit.SECONDS);
        }
    }

    private static ClientIdentity identity(IssuedCredential credential) {
        return new ClientIdentity(credential.key(), credential.chain());
    }
}
