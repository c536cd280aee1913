package io.flotta.transport.http;

import io.flotta.core.testkit.transport.TransportContractTest;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.spi.transport.TransportServerProvider;
import io.flotta.transport.http.internal.DevicePaths;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The HTTP transport passes the transport compatibility kit. */
class HttpTransportContractTest extends TransportContractTest {

    @Override
    protected TransportServerProvider serverProvider() {
        return new HttpTransportServerProvider();
    }

    @Override
    protected TransportClientProvider clientProvider() {
        return new HttpTransportClientProvider();
    }

    @Override
    protected int sendWithoutCertificate(URI server, List<X509Certificate> trustAnchors, DeviceRequest request) {
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            for (int i = 0; i < trustAnchors.size(); i++) {
                anchors.setCertificateEntry("anchor-" + i, trustAnchors.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(anchors);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest.Builder builder = HttpRequest.newBuilder(
                    URI.create(server + DevicePaths.path(request.route(), request.deviceId())))
                    .timeout(Duration.ofSeconds(15));
            if (DevicePaths.method(request.route()).equals("POST")) {
                builder.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
            }
            return http.send(builder.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
            throw new AssertionError("request without a certificate failed: " + e, e);
        }
    }
}
