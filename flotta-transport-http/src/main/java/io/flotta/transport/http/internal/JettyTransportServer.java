package io.flotta.transport.http.internal;

import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device API on an embedded Jetty: one HTTPS connector, HTTP/1.1 (what upstream agents speak),
 * client certificates requested but not required, and a small thread pool — long polls park
 * connections, not threads, so the pool only needs to cover requests being processed right now.
 */
public final class JettyTransportServer implements TransportServer {

    private static final Logger LOG = LoggerFactory.getLogger(JettyTransportServer.class);

    /** Enough for a few dozen requests in flight on top of Jetty's acceptor and selector threads. */
    static final int MAX_THREADS = 32;
    static final int MIN_THREADS = 4;
    /** Devices connect in bursts after a control-plane restart; the JDK's default backlog is 50. */
    static final int ACCEPT_QUEUE = 1024;
    /** How long an idle connection stays open beyond the longest allowed long poll. */
    static final Duration IDLE_MARGIN = Duration.ofSeconds(30);
    static final Duration MIN_IDLE = Duration.ofSeconds(60);
    static final Duration SHUTDOWN_IDLE = Duration.ofMillis(250);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Server server;
    private final ServerConnector connector;
    private final QueuedThreadPool threads;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JettyTransportServer(Server server, ServerConnector connector, QueuedThreadPool threads) {
        this.server = server;
        this.connector = connector;
        this.threads = threads;
    }

    /** Starts listening; throws {@link FlottaException} ({@code UNAVAILABLE}) if the address cannot be bound. */
    public static JettyTransportServer start(TransportServerConfig config, DeviceApi api) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(api, "api");

        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("flotta-http");
        Server server = new Server(threads);
        server.setErrorHandler(new EmptyErrorHandler());

        HttpConfiguration http = new HttpConfiguration();
        http.setSecureScheme("https");
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Jetty's per-connection cache of parsed header fields holds about 100 KB per connection
        // (a 1,024-entry trie); with one parked long poll per device that was 830 MB of heap at
        // 8,500 devices. Agents send a handful of short headers: parsing them afresh is cheap.
        http.setHeaderCacheSize(0);
        // No SNI checks: agents address the server by IP, and an IP is never sent as SNI.
        http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(config.sslContext());
        // Want, not need: the DeviceApi must see a missing or bad certificate and answer 401
        // itself, and /healthz must work without one.
        tls.setWantClientAuth(true);
        tls.setNeedClientAuth(false);
        tls.setEndpointIdentificationAlgorithm(null);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        tls.setRenegotiationAllowed(false);

        ServerConnector connector = new ServerConnector(server, 1, -1,
                new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        connector.setIdleTimeout(idleTimeout(config.maxWait()).toMillis());
        server.addConnector(connector);
        server.setHandler(new DeviceApiHandler(api, config.maxBodyBytes(), config.maxWait()));
        // Closing: stop accepting, let requests being processed finish, and close connections
        // that stay quiet for a moment — idle keep-alives and parked long polls alike, whose
        // agents simply reconnect. The stop timeout bounds the whole shutdown.
        connector.setShutdownIdleTimeout(SHUTDOWN_IDLE.toMillis());
        server.setStopTimeout(STOP_TIMEOUT.toMillis());

        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new FlottaException(FlottaException.Code.UNAVAILABLE,
                    "cannot serve the device API on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        return new JettyTransportServer(server, connector, threads);
    }

    /** Longer than any long poll, so Jetty never times out a connection the API still holds. */
    static Duration idleTimeout(Duration maxWait) {
        Duration idle = maxWait.plus(IDLE_MARGIN);
        return idle.compareTo(MIN_IDLE) < 0 ? MIN_IDLE : idle;
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    /** Threads of the server's pool running a task right now (acceptor and selectors included). */
    public int busyThreads() {
        return threads.getBusyThreads();
    }

    /** Threads the server's pool has started. */
    public int threads() {
        return threads.getThreads();
    }

    /** The most threads the server's pool will start. */
    public int maxThreads() {
        return threads.getMaxThreads();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        int port = port();
        try {
            server.stop();
        } catch (Exception e) {
            // Jetty reports a graceful phase that ran out of time after it has stopped everything
            // anyway: the port is released, so this is worth a warning, not a failure.
            LOG.warn("Device API server on port {} did not stop cleanly", port, e);
        }
    }
}
