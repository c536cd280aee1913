package io.flotta.transport.http.internal;

import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates HTTP exchanges to {@link DeviceApi} calls. Written against Jetty's core handler API
 * rather than servlets: {@link #handle} returns as soon as the API call is started and the Jetty
 * {@link Callback} is completed when the API's stage completes, so a pending long poll holds a
 * connection but no thread.
 *
 * <p>Every answer the API does not produce itself has an empty body: upstream gateways would
 * dispatch any body as a message.
 */
final class DeviceApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceApiHandler.class);
    private static final String JSON = "application/json";
    /** How much of an oversized body is read and discarded so its 413 arrives intact (see BodyReader). */
    static final long DRAIN_ALLOWANCE = 1 << 20;

    private final DeviceApi api;
    private final int maxBodyBytes;
    private final long drainLimit;
    private final Duration maxWait;

    DeviceApiHandler(DeviceApi api, int maxBodyBytes, Duration maxWait) {
        // BLOCKING (the default): the API may touch a database before it returns its stage, so it
        // must not run on a selector thread.
        super(InvocationType.BLOCKING);
        this.api = api;
        this.maxBodyBytes = maxBodyBytes;
        this.drainLimit = maxBodyBytes + DRAIN_ALLOWANCE;
        this.maxWait = maxWait;
    }

    @Override
    public boolean handle(Request request, Response response, Callback jettyCallback) {
        OnceCallback callback = new OnceCallback(jettyCallback);
        try {
            route(request, response, callback);
        } catch (RuntimeException e) {
            LOG.warn("Device API request {} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            answerEmpty(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
        }
        return true;
    }

    private void route(Request request, Response response, OnceCallback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (path.equals("/healthz") || path.equals("/readyz")) {
            if (method.equals("GET") || method.equals("HEAD")) {
                answerEmpty(response, callback, HttpStatus.OK_200);
            } else {
                notAllowed(request, response, callback, "GET, HEAD");
            }
            return;
        }
        Optional<DevicePaths.Match> match = DevicePaths.match(path);
        if (match.isEmpty()) {
            refuse(request, response, callback, HttpStatus.NOT_FOUND_404);
            return;
        }
        Route route = match.get().route();
        String expected = DevicePaths.method(route);
        if (!method.equals(expected)) {
            notAllowed(request, response, callback, expected);
            return;
        }
        Duration wait;
        try {
            wait = requestedWait(request);
        } catch (IllegalArgumentException e) {
            refuse(request, response, callback, HttpStatus.BAD_REQUEST_400);
            return;
        }
        DeviceRequest partial = new DeviceRequest(
                route,
                match.get().deviceId(),
                clientChain(request),
                null,
                EntityTags.unquote(request.getHeaders().get(HttpHeader.IF_NONE_MATCH)),
                wait);
        if (expected.equals("GET")) {
            call(request, partial, response, callback);
            return;
        }
        long declared = request.getLength();
        boolean tooLarge = declared > maxBodyBytes;
        if (tooLarge && (declared > drainLimit || expectsContinue(request))) {
            // Refused before a byte is read: no 100-continue goes out, and Jetty closes the
            // connection instead of reading a body we do not want.
            refuse(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
            return;
        }
        new BodyReader(request, maxBodyBytes, drainLimit, declared, tooLarge, new BodyReader.Listener() {
            @Override
            public void onBody(byte[] body) {
                call(request, new DeviceRequest(partial.route(), partial.deviceId(), partial.clientChain(), body,
                        partial.ifNoneMatch(), partial.maxWait()), response, callback);
            }

            @Override
            public void onTooLarge(boolean drained) {
                answerEmpty(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
            }

            @Override
            public void onFailure(Throwable failure) {
                // The client went away or timed out mid-body: nobody is left to answer.
                callback.failed(failure);
            }
        }).run();
    }

    private static boolean expectsContinue(Request request) {
        return request.getHeaders().contains(HttpHeader.EXPECT, "100-continue");
    }

    private void call(Request request, DeviceRequest deviceRequest, Response response, OnceCallback callback) {
        // Jetty ignores idle timeouts while a handler neither reads nor writes, so a stage that
        // never completes would pin the connection forever, and a client that hung up would go
        // unnoticed. The idle timeout exceeds any allowed wait: when it fires, the API has missed
        // its deadline, and the exchange is failed (500 if still possible, then the connection
        // closes). Shutdown uses the same path to end parked long polls.
        request.addIdleTimeoutListener(timeout -> true);
        request.addFailureListener(callback::failed);
        CompletionStage<DeviceResponse> stage;
        try {
            stage = api.handle(deviceRequest);
        } catch (RuntimeException e) {
            LOG.warn("Device API threw on {} for {}", deviceRequest.route(), deviceRequest.deviceId(), e);
            answerEmpty(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
            return;
        }
        if (stage == null) {
            LOG.warn("Device API returned no answer for {} {}", deviceRequest.route(), deviceRequest.deviceId());
            answerEmpty(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
            return;
        }
        stage.whenComplete((answer, failure) -> {
            if (failure != null || answer == null) {
                LOG.warn("Device API failed on {} for {}", deviceRequest.route(), deviceRequest.deviceId(), failure);
                answerEmpty(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
            } else {
                answer(deviceRequest.route(), answer, response, callback);
            }
        });
    }

    private static void answer(Route route, DeviceResponse answer, Response response, OnceCallback callback) {
        if (callback.isDone()) {
            return; // Jetty already failed the exchange (timeout, shutdown, client gone)
        }
        int status = answer.status();
        if (status < 200 || status > 599) {
            LOG.warn("Device API answered with status {} on {}; sending 500", status, route);
            answerEmpty(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500);
            return;
        }
        try {
            response.setStatus(status);
            if (EntityTags.isValid(answer.etag())) {
                response.getHeaders().put(HttpHeader.ETAG, EntityTags.quote(answer.etag()));
            } else if (answer.etag() != null) {
                LOG.warn("Device API gave an unusable version {} on {}; sending no ETag", answer.etag(), route);
            }
            boolean body = answer.hasBody() && !HttpStatus.hasNoBody(status);
            if (body || carriesContentTypeWhenEmpty(route, status)) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
            }
            if (body) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
                response.write(true, ByteBuffer.wrap(answer.body()), callback);
            } else {
                finishEmpty(response, callback);
            }
        } catch (RuntimeException e) {
            // e.g. the response was already committed because the connection failed meanwhile
            callback.failed(e);
        }
    }

    /**
     * Mirrors the upstream operator byte for byte: its generated responders send
     * {@code Content-Type: application/json} on every 200 except {@code control/out}, and none on
     * 208 or on errors.
     */
    private static boolean carriesContentTypeWhenEmpty(Route route, int status) {
        return status == HttpStatus.OK_200 && route != Route.CONTROL_OUT;
    }

    private Duration requestedWait(Request request) {
        String raw = request.getHttpURI().getQuery() == null
                ? null
                : Request.extractQueryParameters(request).getValue(DevicePaths.WAIT_PARAMETER);
        if (raw == null || raw.isEmpty()) {
            return Duration.ZERO;
        }
        long seconds;
        try {
            seconds = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("wait must be whole seconds", e);
        }
        if (seconds < 0) {
            throw new IllegalArgumentException("wait must not be negative");
        }
        return seconds >= maxWait.toSeconds() ? maxWait : Duration.ofSeconds(seconds);
    }

    private static List<X509Certificate> clientChain(Request request) {
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        if (data instanceof EndPoint.SslSessionData ssl && ssl.peerCertificates() != null) {
            return List.of(ssl.peerCertificates());
        }
        return List.of();
    }

    private static void notAllowed(Request request, Response response, OnceCallback callback, String allow) {
        response.getHeaders().put(HttpHeader.ALLOW, allow);
        refuse(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
    }

    /**
     * Answers without reading the request body. When body bytes are still on their way, Jetty
     * closes the connection after the answer; the answer must say so, or the client puts the
     * connection back in its pool and its next request meets the close.
     */
    private static void refuse(Request request, Response response, OnceCallback callback, int status) {
        if (!request.consumeAvailable()) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        answerEmpty(response, callback, status);
    }

    private static void answerEmpty(Response response, OnceCallback callback, int status) {
        if (callback.isDone()) {
            return;
        }
        if (response.isCommitted()) {
            callback.failed(new IllegalStateException("response already committed, cannot send " + status));
            return;
        }
        response.setStatus(status);
        finishEmpty(response, callback);
    }

    /**
     * Ends a response without a body by writing its (empty) last chunk, so the callback completes
     * after the write. Completing the callback with the response not yet written makes Jetty write
     * it from inside that completion; when the answer comes from another thread (a long poll
     * answered by the engine's timer) and the next request on the connection is already waiting,
     * that write can finish before Jetty has marked the callback done (its assertion fails, and the
     * client gets a 500 instead of the 304).
     */
    private static void finishEmpty(Response response, OnceCallback callback) {
        response.write(true, null, callback);
    }
}
