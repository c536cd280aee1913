package io.flotta.transport.yggdrasil.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.pki.Pem;
import io.flotta.core.pki.SecureFiles;
import io.flotta.core.wire.Command;
import io.flotta.core.wire.Json;
import io.flotta.core.wire.Message;
import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.TransportClient;
import io.flotta.transport.yggdrasil.GatewayConfig;
import io.flotta.transport.yggdrasil.GatewayMessages;
import io.flotta.transport.yggdrasil.GatewayReply;
import io.flotta.transport.yggdrasil.WorkerMessage;
import io.flotta.transport.yggdrasil.internal.proto.Data;
import io.flotta.transport.yggdrasil.internal.proto.DispatcherGrpc;
import io.flotta.transport.yggdrasil.internal.proto.Empty;
import io.flotta.transport.yggdrasil.internal.proto.Event;
import io.flotta.transport.yggdrasil.internal.proto.EventNotification;
import io.flotta.transport.yggdrasil.internal.proto.EventReceipt;
import io.flotta.transport.yggdrasil.internal.proto.Receipt;
import io.flotta.transport.yggdrasil.internal.proto.RegistrationRequest;
import io.flotta.transport.yggdrasil.internal.proto.RegistrationResponse;
import io.flotta.transport.yggdrasil.internal.proto.Response;
import io.flotta.transport.yggdrasil.internal.proto.WorkerGrpc;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's transport when it runs as a worker of a yggdrasil gateway: the gateway talks to the
 * control plane, this client talks to the gateway.
 *
 * <ul>
 * <li>{@code DATA_OUT}: the envelope becomes a {@code Data} message (id, directive, content,
 *     metadata) sent with {@code Dispatcher.Send}; the gateway's JSON reply becomes the answer.</li>
 * <li>{@code DATA_IN}: answered from the configurations the gateway pushes with {@code Worker.Send},
 *     waiting up to the request's wait for one newer than {@code ifNoneMatch} (304 otherwise); the
 *     configuration's version is the answer's ETag, so the agent long-polls this client.</li>
 * <li>{@code CONTROL_IN}: {@code disconnect} once the gateway notified {@code RECEIVED_DISCONNECT};
 *     from then on {@code DATA_IN} answers 404, which makes the agent look at control/in at once.</li>
 * <li>{@link #useIdentity}: writes the certificate and key to the files the gateway names in
 *     {@code GetConfig}; the gateway reloads them.</li>
 * </ul>
 * A failed call to the gateway drops the registration: the next request registers again, so a
 * restarted gateway gets its worker back.
 */
public final class WorkerTransportClient implements TransportClient {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerTransportClient.class);
    /** The handler upstream's device worker registers; the control plane's data/in messages carry it. */
    public static final String HANDLER = "device";
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(5);

    private final String dispatcherAddress;
    private final Duration requestTimeout;
    private final EventLoopGroup loops;
    private final ManagedChannel channel;
    private final Object pushed = new Object();

    private volatile ClientIdentity identity;
    private volatile GatewayConfig gatewayConfig;
    private Server server;
    private boolean registered;
    private volatile boolean closed;
    private boolean warnedAboutId;

    // guarded by `pushed`
    private JsonNode configuration;
    private String configurationVersion;
    private boolean disconnectReceived;

    public WorkerTransportClient(String dispatcherAddress, ClientIdentity identity, Duration requestTimeout) {
        this.dispatcherAddress = Objects.requireNonNull(dispatcherAddress, "dispatcherAddress");
        UnixSockets.strip(dispatcherAddress);
        this.identity = Objects.requireNonNull(identity, "identity");
        this.requestTimeout = requestTimeout;
        this.loops = UnixSockets.eventLoops("yggdrasil-worker");
        this.channel = UnixSockets.channel(dispatcherAddress, loops);
        try {
            ensureRegistered();
        } catch (FlottaException e) {
            LOG.warn("the gateway at {} is not there yet ({}); registering on the next request", dispatcherAddress,
                    e.getMessage());
        }
    }

    /** The gateway's settings, once registered. */
    public GatewayConfig gatewayConfig() {
        return gatewayConfig;
    }

    @Override
    public DeviceResponse send(DeviceRequest request) {
        GatewayConfig config = ensureRegistered();
        if (!warnedAboutId && !config.clientId().isEmpty() && !config.clientId().equals(request.deviceId())) {
            warnedAboutId = true;
            LOG.warn("the agent's device id {} differs from the gateway's client-id {}: the gateway sends as {}",
                    request.deviceId(), config.clientId(), config.clientId());
        }
        return switch (request.route()) {
            case DATA_OUT -> forward(request);
            case DATA_IN -> awaitConfiguration(request);
            case CONTROL_IN -> control();
            case CONTROL_OUT -> DeviceResponse.empty(200);
        };
    }

    private DeviceResponse forward(DeviceRequest request) {
        // the worker protocol carries the envelope's content with its ids, as upstream's worker sends it
        Data data = Protos.data(GatewayMessages.toWorker(request.body()));
        Response response;
        try {
            response = DispatcherGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).send(data);
        } catch (StatusRuntimeException e) {
            throw lost("Send " + data.getDirective(), e);
        }
        GatewayReply reply = GatewayReply.parse(response.getResponse().toByteArray());
        return new DeviceResponse(reply.statusCode(), reply.body(), reply.metadata().get("Etag"));
    }

    private DeviceResponse awaitConfiguration(DeviceRequest request) {
        Duration wait = request.maxWait().isZero() ? requestTimeout : request.maxWait();
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (pushed) {
            while (true) {
                if (closed) {
                    throw new FlottaException(FlottaException.Code.UNAVAILABLE, "the worker transport is closed");
                }
                if (disconnectReceived) {
                    return DeviceResponse.empty(404);
                }
                if (configuration != null && !configurationVersion.equals(request.ifNoneMatch())) {
                    byte[] body = Json.write(Message.builder().type(Message.TYPE_DATA)
                            .directive(Message.DIRECTIVE_DEVICE).content(configuration).build());
                    return new DeviceResponse(200, body, configurationVersion);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new DeviceResponse(304, new byte[0], request.ifNoneMatch());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(pushed, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FlottaException(FlottaException.Code.UNAVAILABLE, "interrupted while waiting for "
                            + "a configuration", e);
                }
            }
        }
    }

    private DeviceResponse control() {
        synchronized (pushed) {
            if (!disconnectReceived) {
                return DeviceResponse.empty(200);
            }
        }
        byte[] body = Json.write(Message.builder().type(Message.TYPE_COMMAND)
                .content(Json.toTree(Command.disconnect())).build());
        return DeviceResponse.ok(body);
    }

    @Override
    public void useIdentity(ClientIdentity next) {
        identity = Objects.requireNonNull(next, "identity");
        GatewayConfig config = gatewayConfig;
        if (config != null) {
            writeIdentity(config, next);
        }
    }

    /**
     * Writes the identity where the gateway reads its own, when it differs: the key first, so a
     * gateway that reloads between the two writes finds a certificate that matches no key and waits.
     */
    private static void writeIdentity(GatewayConfig config, ClientIdentity identity) {
        if (config.certFile().isEmpty() || config.keyFile().isEmpty()) {
            LOG.warn("the gateway names no cert-file/key-file: it keeps presenting its own certificate");
            return;
        }
        String cert = Pem.encodeCertificates(identity.chain());
        String key = Pem.encodePrivateKey(identity.key());
        Path certFile = Path.of(config.certFile());
        Path keyFile = Path.of(config.keyFile());
        if (cert.equals(read(certFile)) && key.equals(read(keyFile))) {
            return;
        }
        SecureFiles.writePrivate(keyFile, key);
        SecureFiles.writePublic(certFile, cert);
        LOG.info("wrote the certificate {} for the gateway to {}", identity.leaf().getSubjectX500Principal().getName(),
                certFile);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }

    private synchronized GatewayConfig ensureRegistered() {
        if (closed) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "the worker transport is closed");
        }
        if (registered) {
            return gatewayConfig;
        }
        // the gateway may be back after a restart: try at once rather than after the reconnect backoff
        channel.resetConnectBackoff();
        // waiting for the socket rides over a gateway that is still starting up
        DispatcherGrpc.DispatcherBlockingStub stub = DispatcherGrpc.newBlockingStub(channel).withWaitForReady();
        try {
            GatewayConfig config = Protos.config(stub.withDeadlineAfter(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .getConfig(Empty.getDefaultInstance()));
            gatewayConfig = config;
            writeIdentity(config, identity);
            RegistrationResponse answer = stub.withDeadlineAfter(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .register(RegistrationRequest.newBuilder().setHandler(HANDLER)
                            .setPid(ProcessHandle.current().pid()).build());
            if (!answer.getRegistered()) {
                throw new FlottaException(FlottaException.Code.UNAVAILABLE, "the gateway at " + dispatcherAddress
                        + " refused handler " + HANDLER + " (another worker holds it)");
            }
            if (server != null) {
                server.shutdownNow();
            }
            server = UnixSockets.serve(answer.getAddress(), loops, new WorkerService());
            registered = true;
            LOG.info("registered with the gateway at {} as handler {} (client-id {}); serving on {}", dispatcherAddress,
                    HANDLER, config.clientId(), answer.getAddress());
            return config;
        } catch (StatusRuntimeException e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "cannot register with the gateway at "
                    + dispatcherAddress + ": " + e.getStatus(), e);
        } catch (IOException e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "cannot serve the worker: " + e.getMessage(), e);
        }
    }

    /**
     * A call failed. When the socket is gone too the gateway went away: register again on the next
     * request (it may have restarted). A gateway that is there but could not reach the control plane
     * keeps the registration.
     */
    private FlottaException lost(String what, StatusRuntimeException e) {
        if (channel.getState(false) != ConnectivityState.READY) {
            synchronized (this) {
                registered = false;
            }
        }
        return new FlottaException(FlottaException.Code.UNAVAILABLE, what + " to the gateway failed: " + e.getStatus(), e);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            registered = false;
            if (server != null) {
                server.shutdownNow();
            }
        }
        synchronized (pushed) {
            pushed.notifyAll();
        }
        channel.shutdownNow();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private void onConfiguration(byte[] content) {
        JsonNode node = Json.readTree(content);
        // a gateway that forwards whole envelopes instead of their content
        if (node.has("type") && node.has("content")) {
            node = node.get("content");
        }
        if (!node.isObject()) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "configuration is not a JSON object");
        }
        String version = node.path("version").asText("");
        synchronized (pushed) {
            configuration = node;
            configurationVersion = version;
            pushed.notifyAll();
        }
        LOG.debug("the gateway pushed configuration {}", version);
    }

    private final class WorkerService extends WorkerGrpc.WorkerImplBase {

        @Override
        public void send(Data request, StreamObserver<Receipt> observer) {
            try {
                onConfiguration(request.getContent().toByteArray());
            } catch (FlottaException e) {
                // accepted anyway, as upstream's worker does: the gateway could do nothing better with it
                LOG.warn("ignored message {} from the gateway: {}", request.getMessageId(), e.getMessage());
            }
            observer.onNext(Receipt.getDefaultInstance());
            observer.onCompleted();
        }

        @Override
        public void notifyEvent(EventNotification request, StreamObserver<EventReceipt> observer) {
            if (request.getName() == Event.RECEIVED_DISCONNECT) {
                LOG.warn("the gateway received disconnect from the control plane");
                synchronized (pushed) {
                    disconnectReceived = true;
                    pushed.notifyAll();
                }
            } else {
                LOG.info("gateway event {} {}", request.getName(), request.getDetail());
            }
            observer.onNext(EventReceipt.getDefaultInstance());
            observer.onCompleted();
        }
    }

}
