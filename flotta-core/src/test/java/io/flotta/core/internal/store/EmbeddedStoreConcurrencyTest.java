package io.flotta.core.internal.store;

import static io.flotta.core.internal.store.EmbeddedStoreTest.device;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreConcurrencyTest {

    private static final int THREADS = 16;
    private static final Pattern COUNT = Pattern.compile("\\{\"count\":(\\d+)}");

    @TempDir
    Path directory;

    private static void runAll(int threads, Callable<Void> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            for (Future<Void> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCreatesAllLandWithDistinctRevisionsAndSurviveAReopen() throws Exception {
        int perThread = 100;
        AtomicInteger next = new AtomicInteger();
        try (EmbeddedStore store = EmbeddedStoreTest.open(directory)) {
            runAll(THREADS, () -> {
                for (int i = 0; i < perThread; i++) {
                    store.create(device("d" + next.getAndIncrement()));
                }
                return null;
            });
            assertThat(store.list(Kind.DEVICE)).hasSize(THREADS * perThread);
        }

        try (EmbeddedStore store = EmbeddedStoreTest.open(directory)) {
            List<Resource> devices = store.list(Kind.DEVICE);
            assertThat(devices).hasSize(THREADS * perThread);
            assertThat(devices).extracting(Resource::revision).doesNotHaveDuplicates();
        }
    }

    @Test
    void compareAndSetIncrementsFromManyThreadsLoseNothing() throws Exception {
        int perThread = 40;
        AtomicInteger conflicts = new AtomicInteger();
        try (EmbeddedStore store = EmbeddedStoreTest.open(directory)) {
            ResourceKey key = store.create(device("counter").withStatus("{\"count\":0}")).key();

            runAll(THREADS, () -> {
                for (int i = 0; i < perThread; i++) {
                    while (true) {
                        Resource current = store.get(key).orElseThrow();
                        Matcher m = COUNT.matcher(current.status());
                        assertThat(m.matches()).isTrue();
                        int count = Integer.parseInt(m.group(1));
                        try {
                            store.updateStatus(current.withStatus("{\"count\":" + (count + 1) + "}"));
                            break;
                        } catch (FlottaException e) {
                            assertThat(e.code()).isEqualTo(Code.CONFLICT);
                            conflicts.incrementAndGet();
                        }
                    }
                }
                return null;
            });

            assertThat(store.get(key).orElseThrow().status()).isEqualTo("{\"count\":" + THREADS * perThread + "}");
        }
        try (EmbeddedStore store = EmbeddedStoreTest.open(directory)) {
            assertThat(store.get(new ResourceKey(Kind.DEVICE, "default", "counter")).orElseThrow().status())
                    .isEqualTo("{\"count\":" + THREADS * perThread + "}");
        }
        // 16 threads on one resource: the test exercised the conflict path
        assertThat(conflicts.get()).isPositive();
    }

    @Test
    void concurrentCreatesOfOneNameHaveExactlyOneWinner() throws Exception {
        AtomicInteger winners = new AtomicInteger();
        AtomicInteger losers = new AtomicInteger();
        try (EmbeddedStore store = EmbeddedStoreTest.open(directory)) {
            for (int round = 0; round < 20; round++) {
                String name = "contested-" + round;
                runAll(THREADS, () -> {
                    try {
                        store.create(device(name));
                        winners.incrementAndGet();
                    } catch (FlottaException e) {
                        assertThat(e.code()).isEqualTo(Code.CONFLICT);
                        losers.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        assertThat(winners.get()).isEqualTo(20);
        assertThat(losers.get()).isEqualTo(20 * (THREADS - 1));
    }

    @Test
    void mixedWritersDeletersAndReadersKeepTheCacheEqualToTheDatabase() throws Exception {
        List<Resource> before;
        try (EmbeddedStore store = EmbeddedStoreTest.open(directory)) {
            runAll(THREADS, () -> {
                String me = Thread.currentThread().getName();
                for (int i = 0; i < 30; i++) {
                    Resource r = store.create(device(me + "-" + i));
                    r = store.update(r.withSpec("{\"i\":" + i + "}"));
                    store.updateStatus(r.withStatus("{\"ok\":true}"));
                    if (i % 3 == 0) {
                        assertThat(store.delete(r.key())).isTrue();
                    }
                    assertThat(store.list(Kind.DEVICE)).isNotNull();
                }
                return null;
            });
            before = store.list(Kind.DEVICE);
        }
        assertThat(before).hasSize(THREADS * 20);
        try (EmbeddedStore store = EmbeddedStoreTest.open(directory)) {
            assertThat(store.list(Kind.DEVICE)).isEqualTo(before);
        }
    }

    @Test
    void closingWhileWritersRunFinishesOrRefusesEveryWriteAndLosesNone() throws Exception {
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        EmbeddedStore store = EmbeddedStoreTest.open(directory);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    while (true) {
                        String name = "d" + next.getAndIncrement();
                        try {
                            store.create(device(name));
                            acknowledged.add(name);
                        } catch (FlottaException e) {
                            assertThat(e.code()).isEqualTo(Code.UNAVAILABLE);
                            refused.incrementAndGet();
                            return null;
                        }
                    }
                }));
            }
            while (acknowledged.size() < 200) {
                Thread.sleep(1);
            }
            store.close();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(refused.get()).isEqualTo(THREADS);
        try (EmbeddedStore reopened = EmbeddedStoreTest.open(directory)) {
            assertThat(reopened.list(Kind.DEVICE)).extracting(Resource::name)
                    .containsAll(acknowledged)
                    .hasSize(acknowledged.size());
        }
    }
}
