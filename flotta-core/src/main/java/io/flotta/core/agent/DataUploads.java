package io.flotta.core.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.storage.StorageWire;
import io.flotta.spi.FlottaException;
import io.flotta.spi.runtime.WorkloadEvent;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.storage.SyncResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads each workload's data directory to the device's bucket, under the workload's name, every
 * interval from the configuration ({@code workloads_monitoring_interval}). A store that cannot be
 * reached is retried with backoff (sooner than the interval) while workloads keep running; every
 * new failure becomes one event, repeated failures with the same reason do not. The last
 * successful upload of each workload goes into heartbeats as {@code last_data_upload}.
 */
final class DataUploads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataUploads.class);

    private final ObjectStorage storage;
    private final Clock clock;
    private final Consumer<WorkloadEvent> events;
    private final Duration defaultInterval;
    private final Backoff backoff;
    private final ScheduledExecutorService executor;
    private final Map<String, Instant> lastUpload = new ConcurrentHashMap<>();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();

    private BucketAccess access;
    private DataSync sync;
    private Map<String, Path> workloads = Map.of();
    private Duration interval;
    private ScheduledFuture<?> next;

    DataUploads(ObjectStorage storage, Clock clock, Consumer<WorkloadEvent> events, Duration defaultInterval,
            Duration initialBackoff) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = clock;
        this.events = events;
        this.defaultInterval = defaultInterval;
        this.interval = defaultInterval;
        this.backoff = new Backoff(initialBackoff, defaultInterval);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flotta-agent-upload");
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes the bucket, interval and workloads of a newly applied configuration. */
    synchronized void configure(JsonNode content, Map<String, Path> dataDirectories) {
        BucketAccess newAccess = null;
        try {
            newAccess = StorageWire.fromWire(content.path("configuration").path("storage").path("s3")).orElse(null);
        } catch (FlottaException e) {
            report("storage", "DataUploadMisconfigured", e.getMessage());
        }
        long seconds = content.path("workloads_monitoring_interval").asLong(0);
        Duration newInterval = seconds > 0 ? Duration.ofSeconds(seconds) : defaultInterval;
        boolean changed = !Objects.equals(newAccess, access) || !newInterval.equals(interval);
        if (!Objects.equals(newAccess, access)) {
            closeSync();
            access = newAccess;
            lastError.clear();
        }
        interval = newInterval;
        workloads = Map.copyOf(new LinkedHashMap<>(dataDirectories));
        lastUpload.keySet().retainAll(workloads.keySet());
        if (changed || next == null) {
            schedule(access == null ? null : Duration.ZERO);
        }
    }

    /** The last successful upload of the workload's data, or empty. */
    Optional<Instant> lastUpload(String workload) {
        return Optional.ofNullable(lastUpload.get(workload));
    }

    private synchronized void schedule(Duration delay) {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
        if (delay != null && access != null && !executor.isShutdown()) {
            next = executor.schedule(this::pass, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void pass() {
        DataSync current;
        Map<String, Path> targets;
        synchronized (this) {
            if (access == null) {
                return;
            }
            if (sync == null) {
                try {
                    sync = storage.dataSync(access);
                } catch (FlottaException e) {
                    report("storage", "DataUploadFailed", e.getMessage());
                    schedule(interval);
                    return;
                }
            }
            current = sync;
            targets = workloads;
        }
        Duration after = interval;
        for (Map.Entry<String, Path> w : targets.entrySet()) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            String name = w.getKey();
            try {
                Instant started = clock.instant();
                SyncResult result = current.sync(w.getValue(), name);
                if (result.succeeded()) {
                    lastUpload.put(name, started);
                    lastError.remove(name);
                    if (result.uploaded() > 0) {
                        LOG.info("workload {}: uploaded {} file(s), {} bytes", name, result.uploaded(),
                                result.bytesUploaded());
                    }
                } else {
                    report(name, "DataUploadFailed", result.errors().size() + " file(s) not uploaded: "
                            + String.join("; ", result.errors().subList(0, Math.min(3, result.errors().size()))));
                }
            } catch (FlottaException e) {
                if (executor.isShutdown()) {
                    return; // the agent stops: an interrupted upload is not a failure to report
                }
                report(name, "DataUploadFailed", e.getMessage());
                if (e.isRetryable()) {
                    // the store is down for every workload: retry them all soon, with backoff
                    Duration retry = backoff.next();
                    after = retry.compareTo(interval) < 0 ? retry : interval;
                    break;
                }
            } catch (RuntimeException e) {
                LOG.warn("data upload of workload {} failed", name, e);
                report(name, "DataUploadFailed", String.valueOf(e.getMessage()));
            }
        }
        if (after.equals(interval)) {
            backoff.reset();
        }
        synchronized (this) {
            if (current == sync) {
                schedule(after);
            }
        }
    }

    private void report(String workload, String reason, String message) {
        if (!message.equals(lastError.put(workload, message))) {
            LOG.warn("workload {}: {}: {}", workload, reason, message);
            events.accept(new WorkloadEvent(workload, true, reason, message, clock.instant()));
        }
    }

    private synchronized void closeSync() {
        if (sync != null) {
            try {
                sync.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the data sync failed", e);
            }
            sync = null;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSync();
    }
}
