package io.flotta.transport.http;

import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A stub {@link DeviceApi} that records every request and answers through a replaceable function. */
final class RecordingApi implements DeviceApi {

    private final BlockingQueue<DeviceRequest> requests = new LinkedBlockingQueue<>();
    private volatile Function<DeviceRequest, CompletionStage<DeviceResponse>> answers =
            request -> CompletableFuture.completedFuture(DeviceResponse.ok("{}".getBytes()));

    @Override
    public CompletionStage<DeviceResponse> handle(DeviceRequest request) {
        requests.add(request);
        return answers.apply(request);
    }

    void answer(Function<DeviceRequest, CompletionStage<DeviceResponse>> answers) {
        this.answers = answers;
    }

    void answerNow(Function<DeviceRequest, DeviceResponse> answers) {
        this.answers = request -> CompletableFuture.completedFuture(answers.apply(request));
    }

    void answerAlways(DeviceResponse response) {
        answerNow(request -> response);
    }

    /** The next request the API saw; fails if none arrives within five seconds. */
    DeviceRequest next() {
        try {
            DeviceRequest request = requests.poll(5, TimeUnit.SECONDS);
            if (request == null) {
                throw new AssertionError("the API saw no request");
            }
            return request;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Fails if the API saw a request within {@code wait}. */
    void expectNone(Duration wait) {
        try {
            DeviceRequest request = requests.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (request != null) {
                throw new AssertionError("the API saw an unexpected request: " + request.route() + " " + request.deviceId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int pending() {
        return requests.size();
    }

    void clear() {
        requests.clear();
    }
}
