package io.flotta.core.internal.store;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.store.StoreEvent;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only thread that writes to the database. Writes queue up while a commit is on its way to the
 * disk and the next commit takes all of them in one transaction (group commit), so concurrent
 * writers share one sync instead of paying one each. Each write is checked against the committed
 * state plus the earlier writes of its batch; when the commit succeeds the cache is updated, the
 * events are published in commit order, and only then are the callers answered.
 */
final class StoreWriter {

    enum Operation { CREATE, UPDATE, UPDATE_STATUS, DELETE, STOP }

    /** A queued write; {@code resource} is null for a delete, {@code key} is always set. */
    private record Write(Operation operation, ResourceKey key, Resource resource, CompletableFuture<Object> result) {
    }

    /** What a write does to one row, decided before the transaction starts. */
    private record Change(Operation operation, Resource before, Resource after, long revision) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    private static final int MAX_BATCH = 512;

    private final StoreDatabase database;
    private final ResourceCache cache;
    private final LastSeenTracker lastSeen;
    private final EventDispatcher events;
    private final long flushIntervalNanos;
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    // read: enqueue a write; write: stop accepting. Keeps a write from slipping in behind STOP.
    private final ReadWriteLock accepting = new ReentrantReadWriteLock();
    private final Thread thread;
    private boolean stopped;
    private long lastRevision;

    StoreWriter(StoreDatabase database, ResourceCache cache, LastSeenTracker lastSeen, EventDispatcher events,
            long lastRevision, Duration lastSeenFlushInterval, String threadName) {
        this.database = database;
        this.cache = cache;
        this.lastSeen = lastSeen;
        this.events = events;
        this.lastRevision = lastRevision;
        this.flushIntervalNanos = lastSeenFlushInterval.toNanos();
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    Resource create(Resource resource) {
        return (Resource) submit(Operation.CREATE, resource.key(), resource);
    }

    Resource update(Resource resource) {
        return (Resource) submit(Operation.UPDATE, resource.key(), resource);
    }

    Resource updateStatus(Resource resource) {
        return (Resource) submit(Operation.UPDATE_STATUS, resource.key(), resource);
    }

    boolean delete(ResourceKey key) {
        return (Boolean) submit(Operation.DELETE, key, null);
    }

    /** Deletes {@code resource} if its revision is current. */
    boolean delete(Resource resource) {
        return (Boolean) submit(Operation.DELETE, resource.key(), resource);
    }

    private Object submit(Operation operation, ResourceKey key, Resource resource) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        accepting.readLock().lock();
        try {
            if (stopped) {
                throw closed();
            }
            queue.add(new Write(operation, key, resource, result));
        } finally {
            accepting.readLock().unlock();
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlottaException(Code.UNAVAILABLE, "interrupted while waiting for the " + describe(operation)
                    + " of " + describe(key) + "; it may still be applied", e);
        } catch (ExecutionException e) {
            // a fresh exception, so the stack trace shows the caller rather than the writer thread
            if (e.getCause() instanceof FlottaException failure) {
                throw failure.getCause() == null
                        ? new FlottaException(failure.code(), failure.getMessage())
                        : new FlottaException(failure.code(), failure.getMessage(), failure.getCause());
            }
            throw new FlottaException(Code.INTERNAL, "the " + describe(operation) + " of " + describe(key)
                    + " failed", e.getCause());
        }
    }

    /** Finishes every accepted write, persists pending last-seen times, closes the database. */
    void close() {
        accepting.writeLock().lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            queue.add(new Write(Operation.STOP, null, null, null));
        } finally {
            accepting.writeLock().unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                // the database must not be left half closed; finish, then pass the interrupt on
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Write> batch = new ArrayList<>();
        long nextFlush = System.nanoTime() + flushIntervalNanos;
        boolean stopping = false;
        while (!stopping) {
            Write first = null;
            try {
                first = queue.poll(Math.max(0, nextFlush - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                // only close() stops the writer
            }
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                // STOP is always the last write ever queued
                if (batch.get(batch.size() - 1).operation() == Operation.STOP) {
                    batch.remove(batch.size() - 1);
                    stopping = true;
                }
                commitSafely(batch);
                batch.clear();
            }
            if (stopping || System.nanoTime() - nextFlush >= 0) {
                flushLastSeen();
                nextFlush = System.nanoTime() + flushIntervalNanos;
            }
        }
        try {
            database.close();
        } catch (SQLException e) {
            LOG.warn("Closing the store database failed", e);
        }
    }

    private void commitSafely(List<Write> batch) {
        try {
            commit(batch);
        } catch (RuntimeException | Error e) {
            // a bug must not leave callers waiting forever or kill the only writer
            LOG.error("The store writer failed on a batch of {} writes", batch.size(), e);
            database.rollbackQuietly();
            FlottaException failure = new FlottaException(Code.INTERNAL, "the store writer failed: " + e, e);
            batch.forEach(write -> write.result().completeExceptionally(failure));
        }
    }

    private void commit(List<Write> batch) {
        // state as of the writes decided so far in this batch; Optional.empty() = deleted
        Map<ResourceKey, Optional<Resource>> staged = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        Object[] outcomes = new Object[batch.size()];
        long revision = lastRevision;
        for (int i = 0; i < batch.size(); i++) {
            Write write = batch.get(i);
            Optional<Resource> stagedState = staged.get(write.key());
            Resource current = stagedState != null ? stagedState.orElse(null) : cache.get(write.key());
            try {
                Change change = decide(write, current, revision + 1);
                if (change == null) {
                    outcomes[i] = write.operation() == Operation.DELETE ? Boolean.FALSE : current;
                } else {
                    changes.add(change);
                    if (change.operation() == Operation.DELETE) {
                        staged.put(write.key(), Optional.empty());
                        outcomes[i] = Boolean.TRUE;
                    } else {
                        revision = change.revision();
                        staged.put(write.key(), Optional.of(change.after()));
                        outcomes[i] = change.after();
                    }
                }
            } catch (FlottaException e) {
                outcomes[i] = e;
            }
        }
        if (!changes.isEmpty()) {
            try {
                database.begin();
                for (Change change : changes) {
                    switch (change.operation()) {
                        case CREATE -> database.insert(change.after(), change.revision());
                        case UPDATE, UPDATE_STATUS -> database.update(change.after(), change.revision());
                        case DELETE -> database.delete(change.before().key());
                        default -> throw new IllegalStateException(change.operation().name());
                    }
                }
                database.setLastRevision(revision);
                database.commit();
            } catch (SQLException e) {
                database.rollbackQuietly();
                FlottaException failure = SqliteErrors.translate("writing to the store database", e);
                batch.forEach(write -> write.result().completeExceptionally(failure));
                return;
            }
            lastRevision = revision;
            for (Change change : changes) {
                if (change.operation() == Operation.DELETE) {
                    cache.remove(change.before().key());
                    lastSeen.forget(change.before().key());
                    events.publish(new StoreEvent(StoreEvent.Type.DELETED, change.before()));
                } else {
                    cache.put(change.after());
                    events.publish(new StoreEvent(change.operation() == Operation.CREATE
                            ? StoreEvent.Type.ADDED : StoreEvent.Type.MODIFIED, change.after()));
                }
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] instanceof FlottaException failure) {
                batch.get(i).result().completeExceptionally(failure);
            } else {
                batch.get(i).result().complete(outcomes[i]);
            }
        }
    }

    /** The change {@code write} makes to {@code current}, null when it changes nothing. */
    private static Change decide(Write write, Resource current, long nextRevision) {
        Resource asked = write.resource();
        switch (write.operation()) {
            case CREATE -> {
                if (current != null) {
                    throw new FlottaException(Code.CONFLICT, describe(write.key()) + " already exists");
                }
                return new Change(Operation.CREATE, null, stored(asked, asked.labels(), asked.spec(), asked.status(),
                        nextRevision), nextRevision);
            }
            case UPDATE, UPDATE_STATUS -> {
                requireCurrent(write, current);
                boolean labelsAndSpec = write.operation() == Operation.UPDATE;
                Resource after = labelsAndSpec
                        ? stored(current, asked.labels(), asked.spec(), current.status(), nextRevision)
                        : stored(current, current.labels(), current.spec(), asked.status(), nextRevision);
                // like Kubernetes: a write that changes nothing keeps the revision and raises no event
                if (after.labels().equals(current.labels()) && after.spec().equals(current.spec())
                        && after.status().equals(current.status())) {
                    return null;
                }
                return new Change(write.operation(), current, after, nextRevision);
            }
            case DELETE -> {
                if (current != null && asked != null) {
                    requireCurrent(write, current);
                }
                return current == null ? null : new Change(Operation.DELETE, current, null, 0);
            }
            default -> throw new IllegalStateException(write.operation().name());
        }
    }

    private static void requireCurrent(Write write, Resource current) {
        if (current == null) {
            throw new FlottaException(Code.NOT_FOUND, describe(write.key()) + " does not exist");
        }
        if (!Objects.equals(write.resource().revision(), current.revision())) {
            throw new FlottaException(Code.CONFLICT, describe(write.key()) + " has changed: revision "
                    + write.resource().revision() + " is stale, the current one is " + current.revision());
        }
    }

    private static Resource stored(Resource identity, Map<String, String> labels, String spec, String status,
            long revision) {
        return new Resource(identity.kind(), identity.namespace(), identity.name(), labels, spec, status,
                Long.toString(revision));
    }

    private void flushLastSeen() {
        Map<ResourceKey, Instant> pending = lastSeen.pending();
        if (pending.isEmpty()) {
            return;
        }
        try {
            database.begin();
            for (Map.Entry<ResourceKey, Instant> entry : pending.entrySet()) {
                // the cache is exact here: only this thread changes it, after each commit
                if (cache.contains(entry.getKey())) {
                    database.upsertLastSeen(entry.getKey(), entry.getValue());
                } else {
                    lastSeen.forget(entry.getKey());
                }
            }
            database.commit();
            lastSeen.persisted(pending);
        } catch (SQLException e) {
            database.rollbackQuietly();
            LOG.warn("Could not persist {} last-seen times; will retry", pending.size(), e);
        }
    }

    static FlottaException closed() {
        return new FlottaException(Code.UNAVAILABLE, "the embedded store is closed");
    }

    static String describe(ResourceKey key) {
        return key.kind().name().toLowerCase(Locale.ROOT) + " " + key.namespace() + "/" + key.name();
    }

    private static String describe(Operation operation) {
        return operation.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
