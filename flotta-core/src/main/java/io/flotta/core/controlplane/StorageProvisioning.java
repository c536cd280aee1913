package io.flotta.core.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.model.DeviceEvent;
import io.flotta.core.model.DeviceStatus;
import io.flotta.core.model.ModelJson;
import io.flotta.core.storage.StorageWire;
import io.flotta.spi.FlottaException;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every device a bucket when the control plane has an {@link ObjectStorage}: after
 * registration (and at start, for devices registered before storage was configured) it provisions
 * the bucket and records the access in the device's status, in the upstream {@code storage.s3}
 * format, from where it goes into the device's configuration. Provisioning talks to the store, so
 * it runs on its own thread and never delays a registration; failures are retried with backoff and
 * raised once as a device event. Deleting a device releases its bucket.
 */
final class StorageProvisioning implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageProvisioning.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration LAST_RETRY = Duration.ofMinutes(5);

    private final ObjectStorage storage;
    private final ControlPlane cp;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Set<ResourceKey> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<ResourceKey, String> lastFailure = new ConcurrentHashMap<>();

    StorageProvisioning(ObjectStorage storage, ControlPlane cp, Clock clock) {
        this.storage = storage;
        this.cp = cp;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flotta-storage-provisioning");
            t.setDaemon(true);
            return t;
        });
    }

    /** Provisions every device that has no bucket yet. */
    void provisionAll() {
        executor.execute(() -> {
            try {
                cp.store().list(Kind.DEVICE).forEach(this::onDevice);
            } catch (RuntimeException e) {
                LOG.warn("listing devices for storage provisioning failed", e);
            }
        });
    }

    /** A device was created or changed: provision it if it has no bucket. */
    void onDevice(Resource device) {
        if (hasStorage(device) || !inFlight.add(device.key())) {
            return;
        }
        executor.execute(() -> provision(device.key(), 0));
    }

    private static boolean hasStorage(Resource device) {
        if (device.status() == null || !device.status().contains("\"storage\"")) {
            return false;
        }
        JsonNode storage = ModelJson.read(device.status(), DeviceStatus.class).storage();
        return storage != null && !storage.isNull();
    }

    private void provision(ResourceKey key, int attempt) {
        try {
            if (cp.store().get(key).isEmpty()) {
                inFlight.remove(key);
                return;
            }
            BucketAccess access = storage.provision(key.namespace(), key.name());
            JsonNode wire = StorageWire.toWire(access);
            cp.updateDeviceStatus(key, s -> s.storage() == null || s.storage().isNull() ? s.withStorage(wire) : s);
            lastFailure.remove(key);
            inFlight.remove(key);
            LOG.info("device {}/{} writes its data to bucket {} at {}", key.namespace(), key.name(), access.bucket(),
                    access.endpoint());
        } catch (FlottaException e) {
            if (e.code() == FlottaException.Code.NOT_FOUND && cp.store().get(key).isEmpty()) {
                inFlight.remove(key);
                return;
            }
            retryLater(key, attempt, e);
        } catch (RuntimeException e) {
            retryLater(key, attempt, e);
        }
    }

    private void retryLater(ResourceKey key, int attempt, RuntimeException e) {
        long delay = Math.min(LAST_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(attempt, 16));
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.warn("provisioning the bucket of {}/{} failed (retrying in {} s): {}", key.namespace(), key.name(),
                delay / 1000, reason);
        if (!reason.equals(lastFailure.put(key, reason))) {
            try {
                cp.updateDeviceStatus(key, s -> s.withEvents(cp.appendEvents(s.events(), List.of(
                        new DeviceEvent(clock.instant(), "warn", "StorageProvisioningFailed", reason)))));
            } catch (RuntimeException ignored) {
                // the event is a courtesy; the retry below is what matters
            }
        }
        if (!executor.isShutdown()) {
            executor.schedule(() -> provision(key, attempt + 1), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** The device was deleted: release its bucket (the storage decides whether data is kept). */
    void release(String namespace, String deviceId) {
        executor.execute(() -> {
            try {
                storage.release(namespace, deviceId);
            } catch (RuntimeException e) {
                LOG.warn("releasing the bucket of {}/{} failed: {}", namespace, deviceId, e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
