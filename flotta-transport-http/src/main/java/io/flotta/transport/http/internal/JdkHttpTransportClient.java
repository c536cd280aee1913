package io.flotta.transport.http.internal;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLParameters;

/**
 * The device side of the HTTP transport on the JDK's {@link HttpClient}.
 *
 * <p>An {@link HttpClient}'s {@code SSLContext} is fixed when it is built, and it pools connections
 * (and TLS sessions) internally. The server reads the device's identity from the TLS handshake, so
 * after {@link #useIdentity} an old pooled connection — or a resumed session — would keep
 * presenting the old certificate. Switching identity therefore builds a new client and drops the
 * old one: its pooled connections are never used again. Java 17's client has no {@code close()};
 * requests still running on the old client finish normally, after which it is garbage collected
 * together with its connections.
 */
public final class JdkHttpTransportClient implements TransportClient {

    private static final String USER_AGENT = "flotta-java-agent";

    private final TransportClientConfig config;
    private final String base;
    private volatile HttpClient http;
    private volatile boolean closed;

    public JdkHttpTransportClient(TransportClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        URI server = config.server();
        if (!"https".equalsIgnoreCase(server.getScheme()) || server.getHost() == null) {
            throw new ConfigurationException(
                    "server must be an https URI with a host, was " + server);
        }
        String prefix = server.getRawPath() == null ? "" : server.getRawPath();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        this.base = server.getScheme() + "://" + server.getRawAuthority() + prefix;
        this.http = build(config.identity());
    }

    private HttpClient build(ClientIdentity identity) {
        SSLParameters tls = new SSLParameters();
        tls.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return HttpClient.newBuilder()
                // Upstream's server speaks HTTP/1.1 only; staying on it keeps one request per
                // connection visible to the server's identity checks and avoids an ALPN round.
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(ClientTls.context(config.trustAnchors(), identity))
                .sslParameters(tls)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public DeviceResponse send(DeviceRequest request) {
        Objects.requireNonNull(request, "request");
        HttpClient client = http;
        if (closed) {
            throw new FlottaException(FlottaException.Code.INTERNAL, "transport client is closed");
        }
        HttpRequest httpRequest = toHttp(request);
        try {
            HttpResponse<byte[]> response = client.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
            return new DeviceResponse(response.statusCode(), response.body(),
                    EntityTags.unquote(response.headers().firstValue("ETag").orElse(null)));
        } catch (IOException e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE,
                    request.route() + " to " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlottaException(FlottaException.Code.UNAVAILABLE,
                    request.route() + " to " + base + " interrupted", e);
        }
    }

    HttpRequest toHttp(DeviceRequest request) {
        Duration wait = request.maxWait();
        String uri = base + DevicePaths.path(request.route(), request.deviceId());
        if (!wait.isZero() && !wait.isNegative()) {
            uri += "?" + DevicePaths.WAIT_PARAMETER + "=" + Math.max(1, wait.toSeconds());
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri))
                .timeout(config.requestTimeout().plus(wait.isNegative() ? Duration.ZERO : wait))
                .header("User-Agent", USER_AGENT);
        if (request.ifNoneMatch() != null) {
            builder.header("If-None-Match", EntityTags.quote(request.ifNoneMatch()));
        }
        if (request.route() == Route.DATA_OUT || request.route() == Route.CONTROL_OUT) {
            builder.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
        } else {
            builder.GET();
        }
        return builder.build();
    }

    @Override
    public void useIdentity(ClientIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        // Built before the swap so a bad identity leaves the working client in place.
        http = build(identity);
    }

    @Override
    public void close() {
        closed = true;
    }
}
