package io.flotta.transport.yggdrasil;

import com.google.protobuf.ByteString;
import io.flotta.spi.FlottaException;
import io.flotta.transport.yggdrasil.internal.Protos;
import io.flotta.transport.yggdrasil.internal.UnixSockets;
import io.flotta.transport.yggdrasil.internal.proto.Config;
import io.flotta.transport.yggdrasil.internal.proto.Data;
import io.flotta.transport.yggdrasil.internal.proto.DispatcherGrpc;
import io.flotta.transport.yggdrasil.internal.proto.Empty;
import io.flotta.transport.yggdrasil.internal.proto.Event;
import io.flotta.transport.yggdrasil.internal.proto.EventNotification;
import io.flotta.transport.yggdrasil.internal.proto.RegistrationRequest;
import io.flotta.transport.yggdrasil.internal.proto.RegistrationResponse;
import io.flotta.transport.yggdrasil.internal.proto.Response;
import io.flotta.transport.yggdrasil.internal.proto.WorkerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of the worker protocol: serves {@code Dispatcher} on a unix socket, keeps the
 * registered workers (one per handler, as upstream) and calls each worker's {@code Worker} service
 * on the address it handed out at registration.
 *
 * <p>A gateway supplies a {@link Handler} that forwards workers' messages to the control plane.
 */
public final class YggdrasilDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(YggdrasilDispatcher.class);
    private static final Duration WORKER_CALL_TIMEOUT = Duration.ofSeconds(30);

    /** What the gateway does with the workers' calls. */
    public interface Handler {

        /**
         * A worker's {@code Send}: deliver {@code message} (its directive names the operation) and
         * return the control plane's reply.
         *
         * @throws FlottaException {@code UNAVAILABLE} when the control plane could not be reached
         */
        GatewayReply send(WorkerMessage message);

        /** What {@code GetConfig} answers. */
        GatewayConfig config();

        /** The registered workers changed: handler → features. Upstream reports this to control/out. */
        default void workersChanged(Map<String, Map<String, String>> workers) {
        }
    }

    /** A registered worker. */
    public record Worker(String handler, long pid, String address, Map<String, String> features) {
    }

    private final String address;
    private final Handler handler;
    private final EventLoopGroup loops;
    private final Server server;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    private YggdrasilDispatcher(String address, Handler handler) throws IOException {
        this.address = address;
        this.handler = handler;
        this.loops = UnixSockets.eventLoops("yggdrasil-dispatcher");
        try {
            this.server = UnixSockets.serve(address, loops, new DispatcherService());
        } catch (IOException | RuntimeException e) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Serves the dispatcher on {@code address} ({@code unix:@name} or {@code unix:/path}).
     *
     * @throws FlottaException {@code UNAVAILABLE} when the socket cannot be bound
     */
    public static YggdrasilDispatcher start(String address, Handler handler) {
        Objects.requireNonNull(handler, "handler");
        if (!UnixSockets.available()) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, UnixSockets.unavailableReason());
        }
        try {
            return new YggdrasilDispatcher(address, handler);
        } catch (IOException e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "cannot serve the dispatcher on " + address
                    + ": " + e.getMessage(), e);
        }
    }

    /** The dispatcher's address, as workers get it in {@code YGG_SOCKET_ADDR}. */
    public String address() {
        return address;
    }

    public Map<String, Worker> workers() {
        return Map.copyOf(workers);
    }

    /**
     * Calls {@code Send} on the worker registered for the message's directive.
     *
     * @return false when no worker handles that directive
     * @throws FlottaException {@code UNAVAILABLE} when the worker does not answer
     */
    public boolean dispatch(WorkerMessage message) {
        Worker worker = workers.get(message.directive());
        if (worker == null) {
            return false;
        }
        call(worker, "Send", channel -> WorkerGrpc.newBlockingStub(channel)
                .withDeadlineAfter(WORKER_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).send(Protos.data(message)));
        return true;
    }

    /** Tells every worker that the control plane sent {@code disconnect} ({@code RECEIVED_DISCONNECT}). */
    public void notifyDisconnect() {
        for (Worker worker : workers.values()) {
            try {
                call(worker, "NotifyEvent", channel -> WorkerGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(WORKER_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .notifyEvent(EventNotification.newBuilder().setName(Event.RECEIVED_DISCONNECT).build()));
            } catch (FlottaException e) {
                LOG.warn("cannot notify worker {} of the disconnect: {}", worker.handler(), e.getMessage());
            }
        }
    }

    /** Forgets the workers of a process that ended (upstream does so when a worker process dies). */
    public void processEnded(long pid) {
        boolean changed = workers.values().removeIf(w -> w.pid() == pid);
        if (changed) {
            LOG.info("unregistered the worker(s) of process {}", pid);
            handler.workersChanged(features());
        }
    }

    private Map<String, Map<String, String>> features() {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        workers.values().forEach(w -> result.put(w.handler(), w.features().isEmpty() ? null : w.features()));
        return result;
    }

    private interface Call {
        Object on(ManagedChannel channel);
    }

    private void call(Worker worker, String method, Call call) {
        ManagedChannel channel = UnixSockets.channel(worker.address(), loops);
        try {
            call.on(channel);
        } catch (StatusRuntimeException e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "worker " + worker.handler() + " (pid "
                    + worker.pid() + ") did not take " + method + ": " + e.getStatus(), e);
        } finally {
            channel.shutdownNow();
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        String name = UnixSockets.strip(address);
        if (name.startsWith("/")) {
            try {
                Files.deleteIfExists(Path.of(name));
            } catch (IOException e) {
                LOG.debug("cannot remove {}", name, e);
            }
        }
    }

    private String workerAddress(String handlerName) {
        String suffix = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        String own = UnixSockets.strip(address);
        if (own.startsWith("@")) {
            return "@ygg-" + handlerName + "-" + suffix;
        }
        Path dir = Path.of(own).getParent();
        return dir.resolve("ygg-" + handlerName + "-" + suffix + ".sock").toString();
    }

    private final class DispatcherService extends DispatcherGrpc.DispatcherImplBase {

        @Override
        public void register(RegistrationRequest request, StreamObserver<RegistrationResponse> observer) {
            String name = request.getHandler();
            Worker existing = workers.get(name);
            if (name.isBlank() || existing != null && ProcessHandle.of(existing.pid()).map(ProcessHandle::isAlive)
                    .orElse(false) && existing.pid() != request.getPid()) {
                LOG.warn("refused the registration of handler '{}' by process {}", name, request.getPid());
                observer.onNext(RegistrationResponse.newBuilder().setRegistered(false).build());
                observer.onCompleted();
                return;
            }
            Worker worker = new Worker(name, request.getPid(), workerAddress(name),
                    Map.copyOf(request.getFeaturesMap()));
            workers.put(name, worker);
            LOG.info("worker registered: handler {} (pid {}) at {}", name, worker.pid(), worker.address());
            observer.onNext(RegistrationResponse.newBuilder().setRegistered(true).setAddress(worker.address()).build());
            observer.onCompleted();
            handler.workersChanged(features());
        }

        @Override
        public void send(Data request, StreamObserver<Response> observer) {
            GatewayReply reply;
            try {
                reply = handler.send(Protos.message(request));
            } catch (FlottaException e) {
                observer.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
                return;
            } catch (RuntimeException e) {
                LOG.warn("forwarding {} {} failed", request.getDirective(), request.getMessageId(), e);
                observer.onError(Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
                return;
            }
            observer.onNext(Response.newBuilder().setResponse(ByteString.copyFrom(reply.toJson())).build());
            observer.onCompleted();
        }

        @Override
        public void getConfig(Empty request, StreamObserver<Config> observer) {
            observer.onNext(Protos.config(handler.config()));
            observer.onCompleted();
        }
    }
}
