package io.flotta.spi.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The control plane's state.
 *
 * <p>Contract: thread-safe; reads are cheap (served from memory or a cache) and may lag a write by
 * the store's propagation delay. Writes are durable when they return. {@link #create} fails with
 * {@link io.flotta.spi.FlottaException.Code#CONFLICT} if the resource exists; {@link #update} and
 * {@link #updateStatus} compare the given resource's {@link Resource#revision()} and fail with
 * {@code CONFLICT} when it is stale, so callers read, change and retry; {@link #delete(Resource)}
 * does the same, for a caller that decided to delete from what it read. {@link #update} writes
 * labels and spec only, {@link #updateStatus} writes status only. A store that is unreachable throws
 * {@code UNAVAILABLE}.
 *
 * <p>Liveness ("last seen") is kept apart from status because it changes on every heartbeat:
 * {@link #recordLastSeen} must be cheap and may be persisted lazily (lost last-seen times only make
 * a device look offline a little early after a restart).
 */
public interface Store extends AutoCloseable {

    Optional<Resource> get(ResourceKey key);

    List<Resource> list(Kind kind);

    /** Stores a new resource and returns it with its revision. */
    Resource create(Resource resource);

    /** Replaces labels and spec if {@code resource.revision()} is current; returns the stored resource. */
    Resource update(Resource resource);

    /** Replaces status if {@code resource.revision()} is current; returns the stored resource. */
    Resource updateStatus(Resource resource);

    /** Deletes the resource; returns false if it did not exist. */
    boolean delete(ResourceKey key);

    /**
     * Deletes the resource if {@code resource.revision()} is current, so that a deletion decided on
     * what was read never removes what another writer put there since; returns false if it did not
     * exist.
     */
    boolean delete(Resource resource);

    void recordLastSeen(ResourceKey device, Instant time);

    /** Last-seen times of every device that has one. */
    Map<ResourceKey, Instant> lastSeen();

    /**
     * Calls {@code listener} for every change, from any writer, until the handle is closed. Events
     * for one resource arrive in order; the listener must not block.
     */
    AutoCloseable watch(Consumer<StoreEvent> listener);

    @Override
    void close();
}
