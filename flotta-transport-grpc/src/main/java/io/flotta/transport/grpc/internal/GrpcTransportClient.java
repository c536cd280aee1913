package io.flotta.transport.grpc.internal;

import com.google.protobuf.ByteString;
import io.flotta.core.agent.Backoff;
import io.flotta.core.pki.Tls;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.transport.grpc.v1.Answer;
import io.flotta.transport.grpc.v1.ConfigurationRequest;
import io.flotta.transport.grpc.v1.ControlRequest;
import io.flotta.transport.grpc.v1.DeviceGrpc;
import io.flotta.transport.grpc.v1.Envelope;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of the gRPC transport.
 *
 * <p>Ordinary requests are unary calls. A configuration long poll ({@link Route#DATA_IN} with a
 * wait) is served from a watch stream the client keeps open: it returns as soon as the stream
 * brings a configuration whose version differs from the caller's, or 304 when the wait ends. A
 * stream that breaks is re-established with exponential backoff and jitter; a refusal on it
 * (401, 404, ...) is handed to the next long poll, as an HTTP long poll would have answered it.
 *
 * <p>{@link #useIdentity} builds a new channel (the server reads identity from the TLS handshake),
 * moves the watch onto it and shuts the old channel down gracefully.
 */
public final class GrpcTransportClient implements TransportClient {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcTransportClient.class);
    private static final String USER_AGENT = "flotta-java-agent";
    /** Client pings on a quiet connection; the server permits one every 20 seconds at most. */
    static final Duration KEEPALIVE_TIME = Duration.ofMinutes(1);
    static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);
    /** Configurations carry every workload of a device; far above any realistic one. */
    static final int MAX_INBOUND = 16 << 20;
    static final Duration RECONNECT_INITIAL = Duration.ofSeconds(1);
    static final Duration RECONNECT_MAX = Duration.ofSeconds(60);

    private final TransportClientConfig config;
    private final ClientResources resources;
    private final ClientResources.Lease lease;
    private final String host;
    private final int port;
    private final String target;

    private final Object lock = new Object();
    // guarded by lock
    private ClientIdentity identity;
    private ManagedChannel channel;
    private boolean closed;
    private final Watch watch = new Watch();

    public GrpcTransportClient(TransportClientConfig config, ClientResources resources) {
        this.config = Objects.requireNonNull(config, "config");
        URI server = config.server();
        String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("grpcs")) || server.getHost() == null) {
            throw new ConfigurationException("server must be an https or grpcs URI with a host, was " + server);
        }
        this.host = server.getHost();
        this.port = server.getPort() > 0 ? server.getPort() : 443;
        this.target = host + ":" + port;
        this.resources = resources;
        // built first: a bad identity fails before any thread is started
        ManagedChannel first = null;
        this.lease = resources.acquire();
        try {
            first = build(config.identity());
        } finally {
            if (first == null) {
                resources.release();
            }
        }
        this.identity = config.identity();
        this.channel = first;
    }

    private ManagedChannel build(ClientIdentity id) {
        var tls = NettyTls.client(Tls.clientContext(id, config.trustAnchors()));
        return NettyChannelBuilder.forAddress(host, port)
                .channelType(NioSocketChannel.class)
                .eventLoopGroup(lease.group())
                .executor(lease.executor())
                .sslContext(tls)
                .userAgent(USER_AGENT)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .keepAliveTime(KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .maxInboundMessageSize(MAX_INBOUND)
                .build();
    }

    @Override
    public DeviceResponse send(DeviceRequest request) {
        Objects.requireNonNull(request, "request");
        ManagedChannel current;
        synchronized (lock) {
            if (closed) {
                throw new FlottaException(FlottaException.Code.INTERNAL, "transport client is closed");
            }
            current = channel;
        }
        if (request.route() == Route.DATA_IN && !request.maxWait().isZero() && !request.maxWait().isNegative()) {
            return watch.await(request.deviceId(), request.ifNoneMatch(), request.maxWait());
        }
        DeviceGrpc.DeviceBlockingStub stub = DeviceGrpc.newBlockingStub(current)
                .withDeadlineAfter(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        String id = request.deviceId();
        try {
            Answer answer = switch (request.route()) {
                case DATA_IN -> stub.getConfiguration(ConfigurationRequest.newBuilder().setDeviceId(id)
                        .setIfNoneMatch(request.ifNoneMatch() == null ? "" : request.ifNoneMatch()).build());
                case CONTROL_IN -> stub.getControl(ControlRequest.newBuilder().setDeviceId(id).build());
                case CONTROL_OUT -> stub.sendControl(envelope(request));
                case DATA_OUT -> {
                    Envelope envelope = envelope(request);
                    String directive = Directives.of(request.body());
                    yield directive == null ? stub.send(envelope) : switch (directive) {
                        case Directives.ENROLMENT -> stub.enrol(envelope);
                        case Directives.REGISTRATION -> stub.register(envelope);
                        case Directives.HEARTBEAT -> stub.heartbeat(envelope);
                        default -> stub.send(envelope);
                    };
                }
            };
            return toResponse(answer);
        } catch (StatusRuntimeException e) {
            int status = Statuses.httpStatus(e.getStatus(), e.getTrailers());
            if (status == 0) {
                throw new FlottaException(FlottaException.Code.UNAVAILABLE,
                        request.route() + " to " + target + " failed: " + e.getStatus(), e);
            }
            return DeviceResponse.empty(status);
        }
    }

    private static Envelope envelope(DeviceRequest request) {
        return Envelope.newBuilder().setDeviceId(request.deviceId()).setJson(ByteString.copyFrom(request.body()))
                .build();
    }

    static DeviceResponse toResponse(Answer answer) {
        return new DeviceResponse(answer.getStatus(), answer.getJson().toByteArray(),
                answer.getEtag().isEmpty() ? null : answer.getEtag());
    }

    @Override
    public void useIdentity(ClientIdentity next) {
        Objects.requireNonNull(next, "identity");
        ManagedChannel old;
        synchronized (lock) {
            if (closed || next.equals(identity)) {
                return;
            }
            // built before the swap so a bad identity leaves the working channel in place
            ManagedChannel fresh = build(next);
            old = channel;
            channel = fresh;
            identity = next;
            watch.moveTo(fresh);
        }
        // unary calls still running on the old channel finish; nothing new starts on it
        old.shutdown();
    }

    @Override
    public void close() {
        ManagedChannel last;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            watch.stop();
            last = channel;
            lock.notifyAll();
        }
        last.shutdownNow();
        try {
            last.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resources.release();
    }

    /**
     * The configuration watch. All state is guarded by the client's lock; stream callbacks of an
     * abandoned stream (an older generation) are ignored.
     */
    private final class Watch {
        private final Backoff backoff = new Backoff(RECONNECT_INITIAL, RECONNECT_MAX);
        /** The newest configuration the stream brought (a 200 answer), or null. */
        private DeviceResponse latest;
        /** The version the stream last confirmed as current (from a 200 or the initial 304). */
        private String confirmed;
        /** A refusal that ended the stream, for the next long poll. */
        private DeviceResponse refusal;
        private ClientCallStreamObserver<ConfigurationRequest> stream;
        private boolean established;
        private boolean reconnectPending;
        private long generation;

        DeviceResponse await(String deviceId, String ifNoneMatch, Duration maxWait) {
            long deadline = System.nanoTime() + maxWait.toNanos();
            synchronized (lock) {
                if (!deviceId.equals(watchedDevice)) {
                    // one device per client; a different id (never in practice) starts over
                    stop();
                    latest = null;
                    confirmed = null;
                    refusal = null;
                    watchedDevice = deviceId;
                }
                if (refusal == null && stream == null && !reconnectPending) {
                    open(ifNoneMatch);
                }
                while (true) {
                    if (closed) {
                        throw new FlottaException(FlottaException.Code.UNAVAILABLE, "transport client is closed");
                    }
                    if (refusal != null) {
                        DeviceResponse r = refusal;
                        refusal = null;
                        return r;
                    }
                    if (latest != null && !Objects.equals(latest.etag(), ifNoneMatch)) {
                        return latest;
                    }
                    // A stream still being (re)opened, e.g. after an identity change, gets the
                    // request timeout on top of the wait, as the contract allows: no answer yet is
                    // not yet a failure.
                    long remaining = (established ? deadline : deadline + config.requestTimeout().toNanos())
                            - System.nanoTime();
                    if (remaining <= 0) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, remaining);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new FlottaException(FlottaException.Code.UNAVAILABLE, "configuration watch interrupted", e);
                    }
                }
                if (established) {
                    return new DeviceResponse(304, new byte[0], ifNoneMatch);
                }
            }
            throw new FlottaException(FlottaException.Code.UNAVAILABLE,
                    "no answer on the configuration watch to " + target + " within " + maxWait);
        }

        /** Opens a stream on the current channel (lock held). */
        private void open(String fallbackVersion) {
            long mine = ++generation;
            reconnectPending = false;
            established = false;
            String known = latest != null ? latest.etag() : confirmed != null ? confirmed : fallbackVersion;
            ConfigurationRequest request = ConfigurationRequest.newBuilder()
                    .setDeviceId(deviceIdHint())
                    .setIfNoneMatch(known == null ? "" : known)
                    .build();
            DeviceGrpc.newStub(channel).watchConfiguration(request, new ClientResponseObserver<ConfigurationRequest, Answer>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<ConfigurationRequest> call) {
                    stream = call;
                }

                @Override
                public void onNext(Answer answer) {
                    synchronized (lock) {
                        if (mine != generation) {
                            return;
                        }
                        established = true;
                        backoff.reset();
                        DeviceResponse response = toResponse(answer);
                        if (response.status() == 200) {
                            latest = response;
                            confirmed = response.etag();
                        } else if (response.etag() != null) {
                            confirmed = response.etag();
                        }
                        lock.notifyAll();
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    Status status = Status.fromThrowable(failure);
                    ended(mine, Statuses.httpStatus(status, io.grpc.Status.trailersFromThrowable(failure)), status);
                }

                @Override
                public void onCompleted() {
                    ended(mine, 0, Status.UNAVAILABLE.withDescription("the server ended the watch"));
                }
            });
        }

        private void ended(long which, int httpStatus, Status status) {
            synchronized (lock) {
                if (which != generation || closed) {
                    return;
                }
                stream = null;
                established = false;
                if (httpStatus != 0) {
                    // an answer: hand it to the caller, who acts on it (renews, disconnects) and
                    // opens the next stream with its next long poll
                    refusal = DeviceResponse.empty(httpStatus);
                    lock.notifyAll();
                    return;
                }
                Duration delay = backoff.next();
                LOG.debug("configuration watch of {} to {} broke ({}); reconnecting in {}", deviceIdHint(), target,
                        status, delay);
                reconnectPending = true;
                long scheduled = generation;
                lease.group().schedule(() -> {
                    synchronized (lock) {
                        if (!closed && reconnectPending && generation == scheduled) {
                            open(null);
                        }
                    }
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
                lock.notifyAll();
            }
        }

        /** The identity changed: the stream must be re-established with the new certificate (lock held). */
        void moveTo(ManagedChannel fresh) {
            refusal = null;
            if (stream != null || reconnectPending) {
                ClientCallStreamObserver<ConfigurationRequest> old = stream;
                stream = null;
                if (old != null) {
                    old.cancel("identity changed", null);
                }
                open(null);
            }
        }

        void stop() {
            generation++;
            reconnectPending = false;
            ClientCallStreamObserver<ConfigurationRequest> old = stream;
            stream = null;
            if (old != null) {
                old.cancel("client closed", null);
            }
        }
    }

    /** The device id the watch is for: the one of the long polls (one device per client; lock held). */
    private String watchedDevice = "";

    private String deviceIdHint() {
        return watchedDevice;
    }
}
