package io.flotta.core.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.DeviceStatus;
import io.flotta.core.model.ModelJson;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
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

    /** A device's configuration content (upstream {@code DeviceConfigurationMessage}) and its version. */
    record Assembled(ObjectNode content, String version) {
    }

    private final Store store;
    private final ControlPlaneOptions options;
    private final ScheduledExecutorService scheduler;
    private final Map<ResourceKey, Assembled> cache = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final Map<ResourceKey, ParsedSpec> specs = new ConcurrentHashMap<>();
    /** Sent with the bucket as {@code workloads_monitoring_interval}; null without object storage. */
    private final Duration dataUploadInterval;

    Configurations(Store store, ControlPlaneOptions options, ScheduledExecutorService scheduler) {
        this(store, options, scheduler, null);
    }

    Configurations(Store store, ControlPlaneOptions options, ScheduledExecutorService scheduler,
            Duration dataUploadInterval) {
        this.store = store;
        this.options = options;
        this.scheduler = scheduler;
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

    private Assembled assemble(Resource device) {
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
        DeviceStatus status = ModelJson.read(device.status(), DeviceStatus.class);
        if (status.storage() != null && !status.storage().isNull()) {
            configuration.putObject("storage").set("s3", status.storage());
            if (dataUploadInterval != null) {
                // the wire model has no upload interval of its own; our agents take this one for it
                content.put("workloads_monitoring_interval", dataUploadInterval.toSeconds());
            }
        }
        ArrayNode workloads = f.arrayNode();
        List<Resource> deployments = new ArrayList<>(store.list(Kind.DEPLOYMENT));
        deployments.sort(Comparator.comparing(Resource::name));
        for (Resource deployment : deployments) {
            if (!deployment.namespace().equals(device.namespace())) {
                continue;
            }
            DeploymentSpec spec = parsed(deployment);
            if (spec.targets(device.name(), device.labels())) {
                workloads.add(workload(deployment, spec));
            }
        }
        if (!workloads.isEmpty()) {
            content.set("workloads", workloads);
        }
        String version = digest(content);
        content.put("version", version);
        return new Assembled(content, version);
    }

    /** Parsed specs by revision: one parse per deployment change, not one per device. */
    private DeploymentSpec parsed(Resource deployment) {
        ParsedSpec cached = specs.get(deployment.key());
        if (cached != null && cached.revision().equals(deployment.revision())) {
            return cached.spec();
        }
        DeploymentSpec spec = ModelJson.read(deployment.spec(), DeploymentSpec.class);
        specs.put(deployment.key(), new ParsedSpec(String.valueOf(deployment.revision()), spec));
        return spec;
    }

    private record ParsedSpec(String revision, DeploymentSpec spec) {
    }

    private static ObjectNode workload(Resource deployment, DeploymentSpec spec) {
        ObjectNode w = JsonNodeFactory.instance.objectNode();
        w.put("name", deployment.name());
        w.put("namespace", deployment.namespace());
        // JSON is YAML: the upstream agent's YAML parser reads it as it is
        w.put("specification", spec.pod().path("spec").toString());
        if (spec.labels() != null && !spec.labels().isEmpty()) {
            w.set("labels", ModelJson.mapper().valueToTree(new java.util.TreeMap<>(spec.labels())));
        }
        if (spec.annotations() != null && !spec.annotations().isEmpty()) {
            w.set("annotations", ModelJson.mapper().valueToTree(new java.util.TreeMap<>(spec.annotations())));
        }
        if (spec.data() != null && !spec.data().isNull()) {
            w.set("data", spec.data());
        }
        if (spec.imageRegistries() != null && !spec.imageRegistries().isNull()) {
            w.set("imageRegistries", spec.imageRegistries());
        }
        if (spec.configMaps() != null && !spec.configMaps().isEmpty()) {
            ArrayNode maps = w.putArray("configmaps");
            for (JsonNode map : spec.configMaps()) {
                maps.add(map.toString());
            }
        }
        return w;
    }

    private static String digest(JsonNode content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha.digest(content.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
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
