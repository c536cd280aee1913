package io.flotta.examples.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.model.ModelJson;
import io.flotta.core.pki.Tls;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.Route;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A device's HTTPS client for the device API: the JDK client over HTTP/1.1 (as the upstream
 * gateway speaks it), presenting one client certificate or none, trusting only our CA and checking
 * the server's name as every client does.
 */
final class DeviceHttp {

    static final String API = "/api/flotta-management/v1";
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** One answer as it came over the wire (body decompressed if the server compressed it). */
    record Answer(int status, byte[] body, HttpHeaders headers) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return ModelJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("answer is not JSON: " + text(), e);
            }
        }

        Optional<String> contentType() {
            return headers.firstValue("Content-Type");
        }

        @Override
        public String toString() {
            return status + " " + (body.length == 0 ? "(empty)" : text());
        }
    }

    private final HttpClient client;
    private final URI base;

    private DeviceHttp(URI base, SSLContext context) {
        this.base = base;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(context)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A client presenting {@code identity}. */
    static DeviceHttp presenting(URI base, ClientIdentity identity, List<X509Certificate> trustAnchors) {
        return new DeviceHttp(base, Tls.clientContext(identity, trustAnchors));
    }

    /** A client presenting no certificate at all. */
    static DeviceHttp anonymous(URI base, List<X509Certificate> trustAnchors) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < trustAnchors.size(); i++) {
                store.setCertificateEntry("anchor-" + i, trustAnchors.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return new DeviceHttp(base, context);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context without a client certificate", e);
        }
    }

    static String path(Route route, String deviceId) {
        return API + switch (route) {
            case DATA_IN -> "/data/" + deviceId + "/in";
            case DATA_OUT -> "/data/" + deviceId + "/out";
            case CONTROL_IN -> "/control/" + deviceId + "/in";
            case CONTROL_OUT -> "/control/" + deviceId + "/out";
        };
    }

    Answer get(Route route, String deviceId) {
        return send("GET", path(route, deviceId), Map.of(), new byte[0]);
    }

    Answer post(Route route, String deviceId, byte[] body) {
        return send("POST", path(route, deviceId), Map.of("Content-Type", "application/json"), body);
    }

    Answer post(Route route, String deviceId, String body) {
        return post(route, deviceId, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request as given; headers the JDK client owns (Host, Content-Length…) are left to it. */
    Answer send(String method, String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        headers.forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                request.header(name, value);
            }
        });
        request.method(method, body.length == 0 && method.equals("GET")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = response.body();
            if (response.headers().firstValue("Content-Encoding").filter("gzip"::equalsIgnoreCase).isPresent()) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    bytes = in.readAllBytes();
                }
            }
            return new Answer(response.statusCode(), bytes, response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during " + method + " " + path, e);
        }
    }
}
