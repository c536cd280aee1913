package io.flotta.core.internal.store;

import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.StoreEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers store events to watchers on one thread, in the order they were published, so a slow
 * listener never holds up a write and every watcher sees changes in commit order.
 */
final class EventDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    private static final StoreEvent STOP = new StoreEvent(StoreEvent.Type.DELETED, Resource.of(Kind.DEVICE, "", ""));

    private final BlockingQueue<StoreEvent> queue = new LinkedBlockingQueue<>();
    private final List<Consumer<StoreEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;

    EventDispatcher(String threadName) {
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    AutoCloseable subscribe(Consumer<StoreEvent> listener) {
        // a wrapper per subscription, so the same listener subscribed twice is two subscriptions
        Consumer<StoreEvent> subscription = listener::accept;
        listeners.add(subscription);
        return () -> listeners.remove(subscription);
    }

    void publish(StoreEvent event) {
        queue.add(event);
    }

    /** Delivers what is queued, then stops; waits at most {@code timeout} for a stuck listener. */
    void close(Duration timeout) {
        queue.add(STOP);
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("A store watcher is still running after {}; not waiting for it", timeout);
        }
    }

    private void run() {
        while (true) {
            StoreEvent event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                // only close() stops the dispatcher
                continue;
            }
            if (event == STOP) {
                return;
            }
            for (Consumer<StoreEvent> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("A store watcher failed on {} of {}", event.type(), event.resource().key(), e);
                }
            }
        }
    }
}
