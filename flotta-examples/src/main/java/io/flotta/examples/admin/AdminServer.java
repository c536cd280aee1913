package io.flotta.examples.admin;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.examples.metrics.ControlPlaneMetrics;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ca.CertificateAuthority;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API over HTTPS on its own port (see {@link AdminApiHandler} for the routes and who may
 * call them). Kept apart from the device port so that a firewall rule, a bind address or a proxy
 * can treat the two audiences differently, and so the device API stays exactly what upstream
 * agents expect.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    /** Admin requests are small: a deployment manifest is a few kilobytes. */
    static final long MAX_REQUEST_BYTES = 1 << 20;

    private final Server server;
    private final ServerConnector connector;
    private final String host;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AdminServer(Server server, ServerConnector connector, String host) {
        this.server = server;
        this.connector = connector;
        this.host = host;
    }

    /**
     * Starts the admin API on {@code host:port} (0 picks a free port); throws
     * {@link FlottaException} ({@code UNAVAILABLE}) if the address cannot be bound.
     *
     * @param deviceUrl where devices reach the control plane, written into bootstrap bundles
     * @param metrics   served on {@code /metrics}, or null for none
     */
    public static AdminServer start(String host, int port, SSLContext tlsContext, ControlPlane controlPlane,
                                    CertificateAuthority ca, Supplier<URI> deviceUrl, ControlPlaneMetrics metrics) {
        return start(host, port, tlsContext, controlPlane, ca, deviceUrl, metrics, null);
    }

    /**
     * As {@link #start(String, int, SSLContext, ControlPlane, CertificateAuthority, Supplier, ControlPlaneMetrics)},
     * with {@code POST /api/v1/backup} served by {@code backup} (writes a store backup to the path it is
     * given), or not served when null.
     */
    public static AdminServer start(String host, int port, SSLContext tlsContext, ControlPlane controlPlane,
                                    CertificateAuthority ca, Supplier<URI> deviceUrl, ControlPlaneMetrics metrics,
                                    Consumer<Path> backup) {
        Objects.requireNonNull(host, "host");
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("flotta-admin");
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSecureScheme("https");
        http.setSendServerVersion(false);
        http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(tlsContext);
        // Want, not need: the handler answers a missing certificate with a 401 that says what to
        // do, and /metrics and /healthz are served without one.
        tls.setWantClientAuth(true);
        tls.setNeedClientAuth(false);
        tls.setEndpointIdentificationAlgorithm(null);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");

        ServerConnector connector = new ServerConnector(server, 1, 1,
                new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        AdminApiHandler api = new AdminApiHandler(controlPlane, ca, deviceUrl, metrics, Clock.systemUTC(), backup);
        SizeLimitHandler limit = new SizeLimitHandler(MAX_REQUEST_BYTES, -1);
        limit.setHandler(api);
        server.setHandler(limit);
        server.setStopTimeout(Duration.ofSeconds(2).toMillis());
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "cannot serve the admin API on " + host + ":"
                    + port + ": " + e.getMessage() + " (choose another port with --admin-port)", e);
        }
        return new AdminServer(server, connector, host);
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The admin API's URL (loopback when bound to all addresses). */
    public URI url() {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        return URI.create("https://" + h + ":" + port());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Admin API server on port {} did not stop cleanly", port(), e);
        }
    }
}
