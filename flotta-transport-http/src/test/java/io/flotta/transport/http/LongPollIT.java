package io.flotta.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.transport.http.internal.JettyTransportServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Long polls park connections, not threads: thousands of pending requests are held by a server
 * whose thread pool stays at a few dozen threads at most, with only Jetty's own acceptor and
 * selector threads busy while they wait.
 */
class LongPollIT {

    static final int POLLS = 2_000;
    static final String DEVICE = "long-poller";

    @Test
    void thousandsOfPendingLongPollsHoldOnlyAFewThreads() throws Exception {
        TestCertificates pki = TestCertificates.create();
        ConcurrentLinkedQueue<CompletableFuture<DeviceResponse>> parked = new ConcurrentLinkedQueue<>();
        AtomicInteger arrived = new AtomicInteger();
        RecordingApi api = new RecordingApi();
        api.answer(request -> {
            CompletableFuture<DeviceResponse> answer = new CompletableFuture<>();
            parked.add(answer);
            arrived.incrementAndGet();
            return answer;
        });

        try (JettyTransportServer server = (JettyTransportServer) new HttpTransportServerProvider().start(
                new TransportServerConfig("127.0.0.1", 0, pki.serverContext(), 1 << 16, Duration.ofSeconds(120)), api)) {
            ThreadSampler sampler = new ThreadSampler(server);
            sampler.start();

            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(sslOf(pki))
                    .connectTimeout(Duration.ofSeconds(60))
                    .build();
            HttpRequest poll = HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.port() + "/api/flotta-management/v1/data/" + DEVICE + "/in?wait=110"))
                    .timeout(Duration.ofSeconds(180))
                    .build();

            long started = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>(POLLS);
            for (int i = 0; i < POLLS; i++) {
                responses.add(client.sendAsync(poll, HttpResponse.BodyHandlers.ofString()));
            }
            waitUntil(() -> arrived.get() == POLLS, Duration.ofSeconds(120));
            long allParked = System.nanoTime();

            // every poll is parked in the API: hold them and watch the server's pool
            sampler.resetPeak();
            Thread.sleep(2_000);
            int busyWhileHolding = sampler.peakBusy();
            int threadsWhileHolding = server.threads();
            assertThat(responses).noneMatch(CompletableFuture::isDone);

            long releasing = System.nanoTime();
            byte[] body = "{\"directive\":\"device\"}".getBytes(StandardCharsets.UTF_8);
            parked.forEach(answer -> answer.complete(new DeviceResponse(200, body, "v1")));
            CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            long done = System.nanoTime();
            sampler.stop();

            for (CompletableFuture<HttpResponse<String>> response : responses) {
                assertThat(response.get().statusCode()).isEqualTo(200);
                assertThat(response.get().body()).isEqualTo("{\"directive\":\"device\"}");
                assertThat(response.get().headers().firstValue("ETag")).contains("\"v1\"");
            }
            System.out.printf("long polls: %d parked in %d ms, answered in %d ms; server pool while holding: "
                            + "%d busy (peak), %d started; overall peak busy %d, peak started %d, max %d%n",
                    POLLS, ms(allParked - started), ms(done - releasing), busyWhileHolding, threadsWhileHolding,
                    sampler.overallPeakBusy(), sampler.peakThreads(), server.maxThreads());

            // acceptor + selectors only, with slack for a reserved thread or a late task
            assertThat(busyWhileHolding).isLessThanOrEqualTo(6);
            assertThat(sampler.peakThreads()).isLessThanOrEqualTo(server.maxThreads());
        }
    }

    @Test
    void closingTheServerEndsParkedLongPollsPromptly() throws Exception {
        TestCertificates pki = TestCertificates.create();
        RecordingApi api = new RecordingApi();
        api.answer(request -> new CompletableFuture<>());
        TransportServer server = new HttpTransportServerProvider().start(
                new TransportServerConfig("127.0.0.1", 0, pki.serverContext(), 1 << 16, Duration.ofSeconds(120)), api);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(sslOf(pki)).build();
        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            polls.add(client.sendAsync(HttpRequest.newBuilder(URI.create(
                    "https://127.0.0.1:" + server.port() + "/api/flotta-management/v1/data/" + DEVICE + "/in?wait=100")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 20; i++) {
            api.next();
        }

        long started = System.nanoTime();
        server.close();
        long closing = System.nanoTime() - started;

        for (CompletableFuture<HttpResponse<String>> poll : polls) {
            // either a 500 or a closed connection: the agent retries either way
            CompletableFuture<Object> outcome = poll.<Object>thenApply(HttpResponse::statusCode).exceptionally(e -> e);
            Object result = outcome.get(10, TimeUnit.SECONDS);
            if (result instanceof Integer status) {
                assertThat(status).isEqualTo(500);
            }
        }
        assertThat(Duration.ofNanos(closing)).isLessThan(Duration.ofSeconds(3));
    }

    private static javax.net.ssl.SSLContext sslOf(TestCertificates pki) throws Exception {
        // the client side of Https.rawClient, reused for its context
        return Https.rawContext(pki.caCertificate(), pki.client(DEVICE).identity());
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** Samples the server pool every 10 ms. */
    private static final class ThreadSampler implements Runnable {
        private final JettyTransportServer server;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger peakBusy = new AtomicInteger();
        private final AtomicInteger overallPeakBusy = new AtomicInteger();
        private final AtomicInteger peakThreads = new AtomicInteger();
        private Thread thread;

        ThreadSampler(JettyTransportServer server) {
            this.server = server;
        }

        void start() {
            thread = new Thread(this, "pool-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (running.get()) {
                int busy = server.busyThreads();
                peakBusy.accumulateAndGet(busy, Math::max);
                overallPeakBusy.accumulateAndGet(busy, Math::max);
                peakThreads.accumulateAndGet(server.threads(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void resetPeak() {
            peakBusy.set(0);
        }

        int peakBusy() {
            return peakBusy.get();
        }

        int overallPeakBusy() {
            return overallPeakBusy.get();
        }

        int peakThreads() {
            return peakThreads.get();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
