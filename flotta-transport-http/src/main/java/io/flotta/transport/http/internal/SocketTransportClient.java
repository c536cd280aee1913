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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The device side of the HTTP transport: HTTP/1.1 over the JDK's blocking {@link SSLSocket}, run
 * on the calling thread.
 *
 * <p>Why not {@code java.net.http.HttpClient}: every one of its clients owns a selector thread and
 * two file descriptors, and its {@code SSLContext} is fixed at build time, so each device identity
 * needs its own client. One JVM holding many devices (a gateway, the fleet simulator) then pays
 * 10,000 threads and 20,000 descriptors for 10,000 devices before opening a single connection.
 * This client owns no thread and no descriptor at rest: a request costs one descriptor per open
 * connection, nothing else.
 *
 * <p>Connections: a request takes the idle connection if there is one, otherwise opens a new one;
 * afterwards the connection is kept as the idle one unless another is already idle (then the
 * older is closed). A device with a long poll in flight and a heartbeat therefore holds at most two
 * connections; the {@code Agent} sends one request at a time and holds one.
 *
 * <p>Identity: each identity has its own {@code SSLContext}, hence its own TLS session cache, and
 * {@link #useIdentity} closes the idle connection; a connection in use when the identity changes is
 * closed when its request finishes instead of being kept. No connection or TLS session made with
 * an old identity is used again.
 */
public final class SocketTransportClient implements TransportClient {

    private static final String USER_AGENT = "flotta-java-agent";
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    /** The TLS side of one identity; connections remember which one made them. */
    private record Identity(SSLSocketFactory factory) {
    }

    private final TransportClientConfig config;
    private final String host;
    private final int port;
    private final String prefix;
    private final String hostHeader;
    private final Object lock = new Object();
    private volatile Identity identity;
    private HttpConnection idle;
    /** Connections with a request in flight, closed by {@link #close()} so no caller stays blocked. */
    private final java.util.Set<HttpConnection> active = new java.util.HashSet<>();
    private volatile boolean closed;

    public SocketTransportClient(TransportClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        URI server = config.server();
        if (!"https".equalsIgnoreCase(server.getScheme()) || server.getHost() == null) {
            throw new ConfigurationException("server must be an https URI with a host, was " + server);
        }
        String path = server.getRawPath() == null ? "" : server.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        this.prefix = path;
        String h = server.getHost();
        this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        this.port = server.getPort() < 0 ? 443 : server.getPort();
        this.hostHeader = server.getRawAuthority();
        this.identity = build(config.identity());
    }

    private Identity build(ClientIdentity id) {
        return new Identity(ClientTls.context(config.trustAnchors(), id).getSocketFactory());
    }

    @Override
    public DeviceResponse send(DeviceRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed) {
            throw new FlottaException(FlottaException.Code.INTERNAL, "transport client is closed");
        }
        Duration wait = request.maxWait().isNegative() ? Duration.ZERO : request.maxWait();
        long timeoutMillis = Math.max(1, config.requestTimeout().plus(wait).toMillis());
        byte[] head = head(request, wait);
        while (true) {
            HttpConnection connection = takeIdle();
            boolean reused = connection != null;
            if (connection == null) {
                connection = open(request);
            }
            synchronized (lock) {
                if (closed) {
                    connection.close();
                    throw new FlottaException(FlottaException.Code.INTERNAL, "transport client is closed");
                }
                active.add(connection);
            }
            try {
                HttpResponseReader.Response response = connection.exchange(head, request.body(), timeoutMillis);
                release(connection, response.keepAlive());
                return new DeviceResponse(response.status(), response.body(),
                        EntityTags.unquote(response.header("etag")));
            } catch (HttpConnection.StaleException e) {
                // the server closed a kept connection before this request reached it: open a new one
                forget(connection);
                if (!reused) {
                    throw unavailable(request, e.getCause());
                }
            } catch (SocketTimeoutException e) {
                forget(connection);
                HttpTimeoutException timeout = new HttpTimeoutException("no answer within " + timeoutMillis + " ms");
                timeout.initCause(e);
                throw unavailable(request, timeout);
            } catch (IOException e) {
                forget(connection);
                throw unavailable(request, e);
            }
        }
    }

    private void forget(HttpConnection connection) {
        synchronized (lock) {
            active.remove(connection);
        }
        connection.close();
    }

    private FlottaException unavailable(DeviceRequest request, Throwable cause) {
        return new FlottaException(FlottaException.Code.UNAVAILABLE,
                request.route() + " to https://" + hostHeader + prefix + " failed: " + cause, cause);
    }

    private HttpConnection open(DeviceRequest request) {
        Identity current = identity;
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE,
                    config.connectTimeout().toMillis()));
            SSLSocket socket = (SSLSocket) current.factory().createSocket(plain, host, port, true);
            SSLParameters tls = socket.getSSLParameters();
            tls.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            // what an https client must do: the server's certificate must name the address we dialled
            tls.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(tls);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
            socket.startHandshake();
            return new HttpConnection(socket, current);
        } catch (IOException e) {
            try {
                plain.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw unavailable(request, e);
        }
    }

    private HttpConnection takeIdle() {
        synchronized (lock) {
            HttpConnection c = idle;
            idle = null;
            return c;
        }
    }

    private void release(HttpConnection connection, boolean keepAlive) {
        HttpConnection older;
        synchronized (lock) {
            active.remove(connection);
            if (!keepAlive || closed || connection.madeBy() != identity) {
                older = connection;
            } else {
                older = idle;
                idle = connection;
            }
        }
        if (older != null) {
            older.close();
        }
    }

    private byte[] head(DeviceRequest request, Duration wait) {
        StringBuilder b = new StringBuilder(256);
        boolean post = request.route() == Route.DATA_OUT || request.route() == Route.CONTROL_OUT;
        b.append(post ? "POST " : "GET ").append(prefix).append(DevicePaths.path(request.route(), request.deviceId()));
        if (!wait.isZero()) {
            b.append('?').append(DevicePaths.WAIT_PARAMETER).append('=').append(Math.max(1, wait.toSeconds()));
        }
        b.append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\nUser-Agent: ").append(USER_AGENT)
                .append("\r\nAccept: */*\r\n");
        if (request.ifNoneMatch() != null) {
            b.append("If-None-Match: ").append(EntityTags.quote(request.ifNoneMatch())).append("\r\n");
        }
        if (post) {
            b.append("Content-Type: application/json\r\nContent-Length: ").append(request.body().length).append("\r\n");
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void useIdentity(ClientIdentity next) {
        Objects.requireNonNull(next, "identity");
        // built before the swap so a bad identity leaves the working one in place
        Identity built = build(next);
        HttpConnection old;
        synchronized (lock) {
            identity = built;
            old = idle;
            idle = null;
        }
        if (old != null) {
            old.close();
        }
    }

    /** Closes every connection: requests in flight end at once with {@code UNAVAILABLE}. */
    @Override
    public void close() {
        java.util.List<HttpConnection> all = new java.util.ArrayList<>();
        synchronized (lock) {
            closed = true;
            if (idle != null) {
                all.add(idle);
            }
            idle = null;
            all.addAll(active);
            active.clear();
        }
        all.forEach(HttpConnection::close);
    }

    /** One TLS connection and the identity that made it. */
    private static final class HttpConnection {

        /** The connection was closed by the server before any of the answer arrived. */
        static final class StaleException extends IOException {
            StaleException(IOException cause) {
                super(cause);
            }
        }

        private final SSLSocket socket;
        private final Object madeBy;
        private final HttpResponseReader reader;

        HttpConnection(SSLSocket socket, Object madeBy) throws IOException {
            this.socket = socket;
            this.madeBy = madeBy;
            this.reader = new HttpResponseReader(socket.getInputStream(), MAX_HEADER_BYTES);
        }

        Object madeBy() {
            return madeBy;
        }

        HttpResponseReader.Response exchange(byte[] head, byte[] body, long timeoutMillis) throws IOException {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            try {
                var out = socket.getOutputStream();
                if (body.length > 0 && body.length < 16 * 1024) {
                    byte[] whole = new byte[head.length + body.length];
                    System.arraycopy(head, 0, whole, 0, head.length);
                    System.arraycopy(body, 0, whole, head.length, body.length);
                    out.write(whole);
                } else {
                    out.write(head);
                    if (body.length > 0) {
                        out.write(body);
                    }
                }
                out.flush();
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                throw new StaleException(e);
            }
            try {
                return reader.read();
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (reader.startedResponse()) {
                    throw e;
                }
                throw new StaleException(e);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
