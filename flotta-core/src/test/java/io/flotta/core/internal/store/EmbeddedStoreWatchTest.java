package io.flotta.core.internal.store;

import static io.flotta.core.internal.store.EmbeddedStoreTest.device;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.StoreEvent;
import io.flotta.spi.store.StoreEvent.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreWatchTest {

    @TempDir
    Path directory;

    private EmbeddedStore store;

    @BeforeEach
    void open() {
        store = EmbeddedStoreTest.open(directory);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static StoreEvent next(BlockingQueue<StoreEvent> events) throws InterruptedException {
        StoreEvent event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("an event within 10 s").isNotNull();
        return event;
    }

    @Test
    void aWatcherSeesEveryChangeInOrderWithTheResourceAfterIt() throws Exception {
        BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
        store.watch(events::add);

        Resource created = store.create(device("d1"));
        Resource updated = store.update(created.withSpec("{\"os\":\"y\"}"));
        Resource statused = store.updateStatus(updated.withStatus("{\"phase\":\"up\"}"));
        store.update(statused); // changes nothing: no event
        store.delete(created.key());
        store.delete(created.key()); // was already gone: no event
        Resource other = store.create(device("d2"));

        assertThat(next(events)).isEqualTo(new StoreEvent(Type.ADDED, created));
        assertThat(next(events)).isEqualTo(new StoreEvent(Type.MODIFIED, updated));
        assertThat(next(events)).isEqualTo(new StoreEvent(Type.MODIFIED, statused));
        assertThat(next(events)).isEqualTo(new StoreEvent(Type.DELETED, statused));
        assertThat(next(events)).isEqualTo(new StoreEvent(Type.ADDED, other));
        assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void eventsOfConcurrentWritersArriveInRevisionOrderPerResource() throws Exception {
        List<StoreEvent> events = new ArrayList<>();
        int writers = 4;
        int updates = 50;
        CountDownLatch all = new CountDownLatch(writers * (updates + 1));
        store.watch(event -> {
            events.add(event); // only the dispatcher thread touches the list
            all.countDown();
        });
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String name = "d" + w;
                done.add(pool.submit(() -> {
                    Resource current = store.create(device(name));
                    for (int i = 0; i < updates; i++) {
                        current = store.updateStatus(current.withStatus("{\"n\":" + i + "}"));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        List<Long> revisions = events.stream().map(e -> Long.parseLong(e.resource().revision())).toList();
        assertThat(revisions).isSorted().doesNotHaveDuplicates();
        for (int w = 0; w < writers; w++) {
            String name = "d" + w;
            List<String> statuses = events.stream().filter(e -> e.resource().name().equals(name))
                    .map(e -> e.resource().status()).toList();
            assertThat(statuses).hasSize(updates + 1);
            assertThat(statuses.get(0)).isEqualTo("{}");
            for (int i = 0; i < updates; i++) {
                assertThat(statuses.get(i + 1)).isEqualTo("{\"n\":" + i + "}");
            }
        }
    }

    @Test
    void aBlockedWatcherDoesNotHoldUpWrites() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<StoreEvent> seen = new LinkedBlockingQueue<>();
        store.watch(event -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.add(event);
        });

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // would time out if a write waited for the watcher
            pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    store.create(device("d" + i));
                }
            }).get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }

        assertThat(store.list(Kind.DEVICE)).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(next(seen).resource().name()).isEqualTo("d" + i);
        }
    }

    @Test
    void aFailingWatcherDoesNotStopTheOthers() throws Exception {
        BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
        store.watch(event -> {
            throw new IllegalStateException("boom");
        });
        store.watch(events::add);

        store.create(device("d1"));
        store.create(device("d2"));

        assertThat(next(events).resource().name()).isEqualTo("d1");
        assertThat(next(events).resource().name()).isEqualTo("d2");
    }

    @Test
    void aClosedWatchGetsNoMoreEvents() throws Exception {
        BlockingQueue<StoreEvent> closedOne = new LinkedBlockingQueue<>();
        BlockingQueue<StoreEvent> openOne = new LinkedBlockingQueue<>();
        AutoCloseable handle = store.watch(closedOne::add);
        store.watch(openOne::add);

        store.create(device("d1"));
        assertThat(next(closedOne).resource().name()).isEqualTo("d1");
        handle.close();
        store.create(device("d2"));

        assertThat(next(openOne).resource().name()).isEqualTo("d1");
        assertThat(next(openOne).resource().name()).isEqualTo("d2");
        assertThat(closedOne).isEmpty();
    }

    @Test
    void closingOneOfTwoWatchesOfTheSameListenerKeepsTheOther() throws Exception {
        BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
        Consumer<StoreEvent> listener = events::add;
        AutoCloseable first = store.watch(listener);
        store.watch(listener);
        first.close();

        store.create(device("d1"));

        assertThat(next(events).resource().name()).isEqualTo("d1");
        assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
}
