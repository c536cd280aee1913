package io.flotta.core.internal.store;

import io.flotta.spi.store.ResourceKey;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;

/**
 * Last-seen times in memory, plus the ones not yet written to the database. Recording is a map
 * merge, so heartbeats never wait for the disk; the writer thread persists the pending times in
 * batches. A time never moves backwards, so heartbeats handled out of order cannot undo each other.
 */
final class LastSeenTracker {

    private static final BinaryOperator<Instant> LATER = (a, b) -> a.isAfter(b) ? a : b;

    private final Map<ResourceKey, Instant> times = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Instant> pending = new ConcurrentHashMap<>();

    void loaded(Map<ResourceKey, Instant> persisted) {
        times.putAll(persisted);
    }

    void record(ResourceKey key, Instant time) {
        Instant latest = times.merge(key, time, LATER);
        pending.merge(key, latest, LATER);
    }

    Map<ResourceKey, Instant> times() {
        return Map.copyOf(times);
    }

    Map<ResourceKey, Instant> pending() {
        return Map.copyOf(pending);
    }

    /** Marks these times as written; a time recorded since stays pending. */
    void persisted(Map<ResourceKey, Instant> written) {
        written.forEach(pending::remove);
    }

    void forget(ResourceKey key) {
        times.remove(key);
        pending.remove(key);
    }
}
