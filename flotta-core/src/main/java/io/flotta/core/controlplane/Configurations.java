package io.flotta.core.controlplane;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.DeviceSettings;
import io.flotta.core.model.DeviceStatus;
import io.flotta.core.model.ModelJson;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Assembles each device's configuration, caches it, and wakes long polls when it changes.
 *
 * <p>The version is a digest of the assembled configuration itself, so it changes when, and only
 * when, what the device must apply changes: status writes never touch it, and lists are sorted.
 */
final class Configurations {

    /**
     * A device's configuration content (upstream {@code DeviceConfigurationMessage}) and its version.
     * The content is kept serialized: every fetch sends it, and it is only ever sent.
     *
     * @param json    the content as UTF-8 JSON, version included; never changed after assembly
     * @param version the version
     */
    record Assembled(byte[] json, String version) {
    }

    private final Store store;
    private final ControlPlaneOptions options;
    private final ScheduledExecutorService scheduler;
    private final ParsedDeployments deployments;
    private final Map<ResourceKey, Assembled> cache = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    /** Sent with the bucket as {@code workloads_monitoring_interval}; null without object storage. */
    private final Duration dataUploadInterval;

    Configurations(Store store, ControlPlaneOptions options, ScheduledExecutorService scheduler,
                   ParsedDeployments deployments, Duration dataUploadInterval) {
        this.store = store;
        this.options = options;
        this.scheduler = scheduler;
        this.deployments = deployments;
        this.dataUploadInterval = dataUploadInterval;
    }

    /** The device's configuration, or empty when the device does not exist. */
    Optional<Assembled> get(ResourceKey device) {
        Assembled cached = cache.get(device);
        if (cached != null) {
            return Optional.of(cached);
        }
        return store.get(device).map(d -> {
            Assembled assembled = assemble(d);
            cache.put(device, assembled);
            return assembled;
        });
    }

    /**
     * Completes with the configuration once its version differs from {@code knownVersion}, or with
     * empty (not modified) after {@code wait}. Holds no thread while waiting.
     */
    CompletableFuture<Optional<Assembled>> await(ResourceKey device, String knownVersion, Duration wait) {
        Optional<Assembled> now = get(device);
        if (now.isEmpty() || !now.get().version().equals(knownVersion) || wait.isZero()) {
            return CompletableFuture.completedFuture(now);
        }
        Waiter waiter = new Waiter(device, knownVersion, new CompletableFuture<>());
        waiters.computeIfAbsent(device, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        waiter.timeout = scheduler.schedule(() -> waiter.complete(Optional.empty()), wait.toMillis(),
                TimeUnit.MILLISECONDS);
        // a change may have landed between the check above and the registration
        Optional<Assembled> again = get(device);
        if (again.isEmpty() || !again.get().version().equals(knownVersion)) {
            waiter.complete(again);
        }
        return waiter.future;
    }

    /** Forgets the device's cached configuration and wakes its long polls if the version moved. */
    void invalidate(ResourceKey device) {
        cache.remove(device);
        Set<Waiter> pending = waiters.get(device);
        if (pending == null || pending.isEmpty()) {
            return;
        }
        Optional<Assembled> current = get(device);
        for (Waiter w : pending) {
            if (current.isEmpty() || !current.get().version().equals(w.knownVersion)) {
                w.complete(current);
            }
        }
    }

    /** Deployments changed: every device may be affected. */
    void invalidateAll() {
        cache.clear();
        for (ResourceKey device : List.copyOf(waiters.keySet())) {
            invalidate(device);
        }
    }

    int pendingWaiters() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    void close() {
        for (Set<Waiter> set : waiters.values()) {
            for (Waiter w : set) {
                w.complete(Optional.empty());
            }
        }
    }

    /** Assembles the device's configuration: placed workloads in name order, then a digest of it all as version. */
    Assembled assemble(Resource device) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode content = f.objectNode();
        content.put("device_id", device.name());
        ObjectNode configuration = content.putObject("configuration");
        ObjectNode heartbeat = configuration.putObject("heartbeat");
        heartbeat.put("period_seconds", options.heartbeatPeriod().toSeconds());
        // never null: the upstream agent dereferences it
        ObjectNode hardwareProfile = heartbeat.putObject("hardware_profile");
        hardwareProfile.put("include", true);
        hardwareProfile.put("scope", "delta");
        // the device's own settings, overridden by its device set's
        effectiveSettings(store, device).applyTo(configuration);
        JsonNode storage = storage(device.status());
        if (storage != null && !storage.isNull()) {
            configuration.putObject("storage").set("s3", storage);
            if (dataUploadInterval != null) {
                // the wire model has no upload interval of its own; our agents take this one for it
                content.put("workloads_monitoring_interval", dataUploadInterval.toSeconds());
            }
        }
        ArrayNode workloads = f.arrayNode();
        List<Resource> all = new ArrayList<>(store.list(Kind.DEPLOYMENT));
        all.sort(Comparator.comparing(Resource::name));
        for (Resource deployment : all) {
            if (!deployment.namespace().equals(device.namespace())) {
                continue;
            }
            ParsedDeployments.Parsed parsed = deployments.get(deployment);
            if (parsed.spec().targets(device.name(), device.labels())) {
                workloads.add(parsed.workload());
            }
        }
        if (!workloads.isEmpty()) {
            content.set("workloads", workloads);
        }
        byte[] unversioned = content.toString().getBytes(StandardCharsets.UTF_8);
        String version = HexFormat.of().formatHex(Fingerprint.sha256().digest(unversioned), 0, 8);
        // the version goes last, as the content's last field: splice it in rather than serialize twice
        byte[] tail = (",\"version\":\"" + version + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] json = Arrays.copyOf(unversioned, unversioned.length - 1 + tail.length);
        System.arraycopy(tail, 0, json, unversioned.length - 1, tail.length);
        return new Assembled(json, version);
    }

    /**
     * The device's settings (its spec) overridden by those of the device set its
     * {@value DeviceSettings#MEMBER_OF_LABEL} label names, if that set exists in its namespace.
     */
    static DeviceSettings effectiveSettings(Store store, Resource device) {
        DeviceSettings own = DeviceSettings.read(device.spec());
        String set = device.labels().get(DeviceSettings.MEMBER_OF_LABEL);
        if (set == null || set.isBlank()) {
            return own;
        }
        return store.get(new ResourceKey(Kind.DEVICE_SET, device.namespace(), set))
                .map(r -> own.overriddenBy(DeviceSettings.read(r.spec())))
                .orElse(own);
    }

    /**
     * The {@code storage} of a device status, read without building the rest (the hardware report
     * makes up most of a status). A status that is not a JSON object fails as a full read would.
     */
    private static JsonNode storage(String statusJson) {
        try (JsonParser p = ModelJson.mapper().createParser(statusJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return ModelJson.read(statusJson, DeviceStatus.class).storage();
            }
            JsonNode storage = null;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                p.nextToken();
                if ("storage".equals(field)) {
                    storage = p.readValueAsTree();
                } else {
                    p.skipChildren();
                }
            }
            return storage;
        } catch (IOException e) {
            return ModelJson.read(statusJson, DeviceStatus.class).storage();
        }
    }

    private final class Waiter {
        final ResourceKey device;
        final String knownVersion;
        final CompletableFuture<Optional<Assembled>> future;
        volatile ScheduledFuture<?> timeout;

        Waiter(ResourceKey device, String knownVersion, CompletableFuture<Optional<Assembled>> future) {
            this.device = device;
            this.knownVersion = knownVersion;
            this.future = future;
        }

        void complete(Optional<Assembled> result) {
            if (future.complete(result)) {
                // the (possibly empty) set stays: removing it could race with a waiter being added
                Set<Waiter> set = waiters.get(device);
                if (set != null) {
                    set.remove(this);
                }
                ScheduledFuture<?> t = timeout;
                if (t != null) {
                    t.cancel(false);
                }
            }
        }
    }
}
