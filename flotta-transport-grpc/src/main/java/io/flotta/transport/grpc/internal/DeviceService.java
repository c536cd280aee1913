package io.flotta.transport.grpc.internal;

import com.google.protobuf.ByteString;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.transport.grpc.v1.Answer;
import io.flotta.transport.grpc.v1.ConfigurationRequest;
import io.flotta.transport.grpc.v1.ControlRequest;
import io.flotta.transport.grpc.v1.DeviceGrpc;
import io.flotta.transport.grpc.v1.Envelope;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates gRPC calls to {@link DeviceApi} calls. No call holds a thread while the engine waits:
 * answers are written from the engine's completion, which is handed to the server's executor.
 */
final class DeviceService extends DeviceGrpc.DeviceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceService.class);

    private final DeviceApi api;
    private final int maxBodyBytes;
    private final Duration maxWait;
    private final Executor executor;
    private final WatchCounter watches;

    DeviceService(DeviceApi api, int maxBodyBytes, Duration maxWait, Executor executor, WatchCounter watches) {
        this.api = api;
        this.maxBodyBytes = maxBodyBytes;
        this.maxWait = maxWait;
        this.executor = executor;
        this.watches = watches;
    }

    @Override
    public void enrol(Envelope request, StreamObserver<Answer> out) {
        post(request, Directives.ENROLMENT, out);
    }

    @Override
    public void register(Envelope request, StreamObserver<Answer> out) {
        post(request, Directives.REGISTRATION, out);
    }

    @Override
    public void heartbeat(Envelope request, StreamObserver<Answer> out) {
        post(request, Directives.HEARTBEAT, out);
    }

    @Override
    public void send(Envelope request, StreamObserver<Answer> out) {
        post(request, null, out);
    }

    @Override
    public void sendControl(Envelope request, StreamObserver<Answer> out) {
        if (request.getJson().size() > maxBodyBytes) {
            error(out, 413);
            return;
        }
        call(new DeviceRequest(Route.CONTROL_OUT, request.getDeviceId(), PeerChain.current(),
                request.getJson().toByteArray(), null, Duration.ZERO), out);
    }

    @Override
    public void getConfiguration(ConfigurationRequest request, StreamObserver<Answer> out) {
        call(new DeviceRequest(Route.DATA_IN, request.getDeviceId(), PeerChain.current(), null,
                emptyToNull(request.getIfNoneMatch()), Duration.ZERO), out);
    }

    @Override
    public void getControl(ControlRequest request, StreamObserver<Answer> out) {
        call(new DeviceRequest(Route.CONTROL_IN, request.getDeviceId(), PeerChain.current(), null, null,
                Duration.ZERO), out);
    }

    @Override
    public void watchConfiguration(ConfigurationRequest request, StreamObserver<Answer> out) {
        ServerCallStreamObserver<Answer> call = (ServerCallStreamObserver<Answer>) out;
        Watch watch = new Watch(request.getDeviceId(), PeerChain.current(), call);
        call.setOnCancelHandler(watch::cancelled);
        watches.opened();
        watch.next(emptyToNull(request.getIfNoneMatch()), true);
    }

    /**
     * One open watch: awaits the next configuration version with the longest wait allowed, sends
     * it, and awaits again. Every round is a new engine call, so the access rules see the caller's
     * certificate again each time (an expired one ends the watch with 401).
     */
    private final class Watch {
        private final String deviceId;
        private final List<X509Certificate> chain;
        private final ServerCallStreamObserver<Answer> call;
        private final AtomicBoolean done = new AtomicBoolean();

        Watch(String deviceId, List<X509Certificate> chain, ServerCallStreamObserver<Answer> call) {
            this.deviceId = deviceId;
            this.chain = chain;
            this.call = call;
        }

        /** The first round answers at once (200 or 304), so the client knows the watch stands. */
        void next(String known, boolean first) {
            if (done.get()) {
                return;
            }
            CompletionStage<DeviceResponse> stage;
            try {
                stage = api.handle(new DeviceRequest(Route.DATA_IN, deviceId, chain, null, known,
                        first ? Duration.ZERO : maxWait));
            } catch (RuntimeException e) {
                LOG.warn("Device API threw on a configuration watch of {}", deviceId, e);
                finish(500);
                return;
            }
            stage.whenCompleteAsync((answer, failure) -> {
                if (done.get()) {
                    return;
                }
                if (failure != null || answer == null) {
                    LOG.warn("Device API failed on a configuration watch of {}", deviceId, failure);
                    finish(500);
                    return;
                }
                int status = answer.status();
                if (status == 304 && !first) {
                    next(answer.etag() != null ? answer.etag() : known, false);
                } else if (status == 200 || status == 304) {
                    try {
                        call.onNext(toAnswer(answer));
                    } catch (RuntimeException e) {
                        // the call ended meanwhile
                        cancelled();
                        return;
                    }
                    if (answer.etag() == null) {
                        // without a version there is nothing to wait on: one answer, like a fetch
                        if (done.compareAndSet(false, true)) {
                            watches.closed();
                            call.onCompleted();
                        }
                    } else {
                        next(answer.etag(), false);
                    }
                } else {
                    finish(Statuses.isAnswer(status) ? 500 : status);
                }
            }, executor);
        }

        private void finish(int status) {
            if (done.compareAndSet(false, true)) {
                watches.closed();
                try {
                    call.onError(Status.fromCode(Statuses.code(status)).asRuntimeException(Statuses.trailers(status)));
                } catch (RuntimeException e) {
                    LOG.debug("watch of {} already ended", deviceId, e);
                }
            }
        }

        void cancelled() {
            if (done.compareAndSet(false, true)) {
                watches.closed();
            }
        }
    }

    private void post(Envelope request, String directive, StreamObserver<Answer> out) {
        byte[] body = request.getJson().toByteArray();
        if (body.length > maxBodyBytes) {
            error(out, 413);
            return;
        }
        if (directive != null) {
            // the RPC names the operation: an envelope saying otherwise is a malformed call. A body
            // that is not JSON at all goes on to the engine, which refuses it as on every transport.
            String named = Directives.of(body);
            if (named != null && !named.equals(directive)) {
                error(out, 400);
                return;
            }
        }
        call(new DeviceRequest(Route.DATA_OUT, request.getDeviceId(), PeerChain.current(), body, null,
                Duration.ZERO), out);
    }

    private void call(DeviceRequest request, StreamObserver<Answer> out) {
        CompletionStage<DeviceResponse> stage;
        try {
            stage = api.handle(request);
        } catch (RuntimeException e) {
            LOG.warn("Device API threw on {} for {}", request.route(), request.deviceId(), e);
            error(out, 500);
            return;
        }
        if (stage == null) {
            LOG.warn("Device API returned no answer for {} {}", request.route(), request.deviceId());
            error(out, 500);
            return;
        }
        stage.whenComplete((answer, failure) -> {
            if (failure != null || answer == null) {
                LOG.warn("Device API failed on {} for {}", request.route(), request.deviceId(), failure);
                error(out, 500);
            } else if (Statuses.isAnswer(answer.status())) {
                try {
                    out.onNext(toAnswer(answer));
                    out.onCompleted();
                } catch (RuntimeException e) {
                    LOG.debug("call {} {} ended before its answer", request.route(), request.deviceId(), e);
                }
            } else {
                error(out, answer.status() < 400 || answer.status() > 599 ? 500 : answer.status());
            }
        });
    }

    private static Answer toAnswer(DeviceResponse response) {
        Answer.Builder answer = Answer.newBuilder().setStatus(response.status());
        if (response.hasBody()) {
            answer.setJson(ByteString.copyFrom(response.body()));
        }
        if (response.etag() != null) {
            answer.setEtag(response.etag());
        }
        return answer.build();
    }

    private static void error(StreamObserver<Answer> out, int status) {
        try {
            out.onError(Status.fromCode(Statuses.code(status)).asRuntimeException(Statuses.trailers(status)));
        } catch (RuntimeException e) {
            LOG.debug("call ended before its error answer {}", status, e);
        }
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    /** Counts open watches (for the server's metrics and tests). */
    interface WatchCounter {
        void opened();

        void closed();
    }
}
