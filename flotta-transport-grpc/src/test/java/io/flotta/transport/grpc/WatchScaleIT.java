package io.flotta.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.internal.ca.CaFixture;
import io.flotta.core.pki.Tls;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.transport.grpc.internal.GrpcTransportServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of devices watching at once: the clients of one provider instance and the server
 * hold every stream on a handful of threads, and a configuration change reaches all of them.
 * {@code -Dflotta.grpc.watches=N} changes the count (both ends live in this JVM, so N is bounded
 * by half the process's file-descriptor limit); the numbers measured are printed.
 */
class WatchScaleIT {

    static final int WATCHES = Integer.getInteger("flotta.grpc.watches", 1_000);
    static final int MAX_THREADS = 80;

    @TempDir
    Path dir;

    @Test
    void thousandsOfWatchesHoldFewThreadsAndAllReceiveAChange() throws Exception {
        CertificateAuthority ca = CaFixture.open(dir.resolve("ca"));
        IssuedCredential serverCredential = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        IssuedCredential device = ca.issueRegistration(Duration.ofDays(1));
        ClientIdentity identity = new ClientIdentity(device.key(), device.chain());
        ConcurrentLinkedQueue<CompletableFuture<DeviceResponse>> parked = new ConcurrentLinkedQueue<>();
        byte[] v2 = "{\"directive\":\"device\",\"content\":{\"version\":\"v2\"}}".getBytes(StandardCharsets.UTF_8);
        DeviceApi api = request -> {
            if (request.maxWait().isZero()) {
                return CompletableFuture.completedFuture(new DeviceResponse(304, new byte[0], "v1"));
            }
            CompletableFuture<DeviceResponse> wait = new CompletableFuture<>();
            parked.add(wait);
            return wait;
        };
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        GrpcTransportClientProvider provider = new GrpcTransportClientProvider();
        List<TransportClient> clients = new ArrayList<>(WATCHES);
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try (GrpcTransportServer server = (GrpcTransportServer) new GrpcTransportServerProvider().start(
                new TransportServerConfig("127.0.0.1", 0, Tls.serverContext(serverCredential.key(), serverCredential.chain()),
                        64 * 1024, Duration.ofMinutes(5)), api)) {
            TransportClientConfig config = new TransportClientConfig(URI.create("https://127.0.0.1:" + server.port()),
                    ca.trustAnchors(), identity, Duration.ofSeconds(30), Duration.ofSeconds(30));
            long heapBefore = usedHeap(memory);

            long opening = System.nanoTime();
            List<Future<?>> opened = new ArrayList<>();
            for (int i = 0; i < WATCHES; i++) {
                TransportClient client = provider.create(config);
                clients.add(client);
                String id = "device-" + i;
                opened.add(callers.submit(() -> {
                    // a short long poll opens the watch; the stream stays open after it returns
                    try {
                        client.send(DeviceRequest.of(Route.DATA_IN, id, null).withConditions("v1", Duration.ofMillis(100)));
                    } catch (FlottaException e) {
                        // not confirmed within 100 ms: the stream is still being set up
                    }
                }));
            }
            for (Future<?> f : opened) {
                f.get(5, TimeUnit.MINUTES);
            }
            waitUntil(() -> parked.size() >= WATCHES, Duration.ofMinutes(5));
            Duration openTime = Duration.ofNanos(System.nanoTime() - opening);
            assertThat(server.openWatches()).isEqualTo(WATCHES);
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            long transportThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("flotta-grpc")).count();
            long heapAfter = usedHeap(memory);

            long pushing = System.nanoTime();
            List<Future<DeviceResponse>> received = new ArrayList<>();
            for (int i = 0; i < WATCHES; i++) {
                TransportClient client = clients.get(i);
                String id = "device-" + i;
                received.add(callers.submit(() -> client.send(DeviceRequest.of(Route.DATA_IN, id, null)
                        .withConditions("v1", Duration.ofSeconds(60)))));
            }
            parked.forEach(wait -> wait.complete(new DeviceResponse(200, v2, "v2")));
            for (Future<DeviceResponse> f : received) {
                DeviceResponse answer = f.get(2, TimeUnit.MINUTES);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.etag()).isEqualTo("v2");
            }
            Duration pushTime = Duration.ofNanos(System.nanoTime() - pushing);

            System.out.printf("gRPC watches: %d open in %d ms; %d transport threads (clients and server), %d threads "
                            + "in the JVM (32 of them the test's callers); heap %.1f KiB per watch (client and server side "
                            + "together); change delivered to all in %d ms%n",
                    WATCHES, openTime.toMillis(), transportThreads, threads,
                    (heapAfter - heapBefore) / 1024.0 / WATCHES, pushTime.toMillis());
            assertThat(transportThreads).as("transport threads with %d watches", WATCHES).isLessThan(40);
            assertThat(threads).as("live threads with %d watches", WATCHES).isLessThan(MAX_THREADS + 32);
        } finally {
            callers.shutdownNow();
            clients.forEach(TransportClient::close);
            ca.close();
        }
        assertThat(provider.openClients()).isZero();
    }

    private static long usedHeap(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void waitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
