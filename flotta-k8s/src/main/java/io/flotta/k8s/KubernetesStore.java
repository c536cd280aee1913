package io.flotta.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Deletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.flotta.k8s.internal.KindMapping;
import io.flotta.k8s.model.FlottaCustomResource;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Store} kept in Flotta's custom resources: devices are {@code EdgeDevice}s, deployments
 * {@code EdgeDeployment}s, enrolment requests {@code EdgeDeviceSignedRequest}s, device sets
 * {@code EdgeDeviceSet}s and tombstones {@code EdgeDeviceTombstone}s, all in group
 * {@value FlottaCustomResource#GROUP}. Core's spec and status documents become the resources' spec
 * and status verbatim; the revision is the resource version, so the API server does the optimistic
 * concurrency.
 *
 * <p>Reads come from one informer cache per kind. A write's result is also kept until the informer
 * has caught up with it, so a caller reads its own writes at once. Last-seen times live in memory
 * and are written to the {@value #LAST_SEEN_ANNOTATION} annotation of the device only every
 * {@link KubernetesStoreSettings#lastSeenFlush()}: heartbeats themselves cost the API server nothing.
 */
public final class KubernetesStore implements Store {

    /** Annotation on an {@code EdgeDevice} with the last time (ISO-8601) it was seen, written lazily. */
    public static final String LAST_SEEN_ANNOTATION = FlottaCustomResource.GROUP + "/last-seen";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final KubernetesStoreSettings settings;
    private final Map<Kind, SharedIndexInformer<FlottaCustomResource>> informers = new EnumMap<>(Kind.class);
    /** Results of our own writes the informer has not shown yet; an empty value is a deletion. */
    private final Map<ResourceKey, Written> written = new ConcurrentHashMap<>();
    private final List<Consumer<StoreEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Map<ResourceKey, Instant> lastSeen = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Instant> lastSeenPending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;
    private volatile boolean closed;


    private record Written(Optional<FlottaCustomResource> object, long revision) {
    }

    private KubernetesStore(KubernetesClient client, boolean ownsClient, KubernetesStoreSettings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flotta-k8s-last-seen");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a store on the integrator's client, which stays theirs: closing the store does not close
     * it. Returns once every informer has listed its resources.
     */
    public static KubernetesStore start(KubernetesClient client, KubernetesStoreSettings settings) {
        return start(client, false, settings);
    }

    static KubernetesStore start(KubernetesClient client, boolean ownsClient, KubernetesStoreSettings settings) {
        KubernetesStore store = new KubernetesStore(client, ownsClient, settings);
        try {
            store.startInformers();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        long flushMillis = settings.lastSeenFlush().toMillis();
        store.flusher.scheduleWithFixedDelay(store::flushLastSeenQuietly, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
        return store;
    }

    /** The settings this store runs with. */
    public KubernetesStoreSettings settings() {
        return settings;
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public Optional<Resource> get(ResourceKey key) {
        Objects.requireNonNull(key, "key");
        return current(key).map(cr -> toResource(key.kind(), cr));
    }

    @Override
    public List<Resource> list(Kind kind) {
        Objects.requireNonNull(kind, "kind");
        Map<ResourceKey, FlottaCustomResource> byKey = new LinkedHashMap<>();
        for (FlottaCustomResource cr : informer(kind).getStore().list()) {
            if (!deleting(cr)) {
                byKey.put(keyOf(kind, cr), cr);
            }
        }
        written.forEach((key, w) -> {
            if (key.kind() == kind) {
                w.object().filter(cr -> !deleting(cr)).ifPresentOrElse(cr -> byKey.put(key, cr), () -> byKey.remove(key));
            }
        });
        List<Resource> out = new ArrayList<>(byKey.size());
        byKey.forEach((key, cr) -> out.add(toResource(kind, cr)));
        return out;
    }

    /** The resource as the engine sees it: one that is being deleted (finalizers pending) is gone already. */
    private Optional<FlottaCustomResource> current(ResourceKey key) {
        Written w = written.get(key);
        if (w != null) {
            return w.object().filter(cr -> !deleting(cr));
        }
        return Optional.ofNullable(informer(key.kind()).getStore().getByKey(key.namespace() + "/" + key.name()))
                .filter(cr -> !deleting(cr));
    }

    /**
     * Whether the API server is deleting the resource and waits for finalizers: to the engine it
     * is deleted from that moment on, so that deleting a deployment detaches it from its devices,
     * and deleting a device revokes it, before the resource goes.
     */
    static boolean deleting(FlottaCustomResource cr) {
        return cr.getMetadata().getDeletionTimestamp() != null;
    }

    // ---- writes ------------------------------------------------------------------------------

    @Override
    public Resource create(Resource resource) {
        checkWritable(resource.key());
        KindMapping mapping = KindMapping.of(resource.kind());
        FlottaCustomResource cr = mapping.newInstance();
        cr.setMetadata(new ObjectMetaBuilder()
                .withName(resource.name())
                .withNamespace(resource.namespace())
                .withLabels(new HashMap<>(resource.labels()))
                .build());
        cr.setSpec(parse("spec", resource.spec()));
        FlottaCustomResource stored;
        try {
            stored = ops(resource.kind()).inNamespace(resource.namespace()).resource(cr).create();
        } catch (KubernetesClientException e) {
            throw translate("create " + describe(resource.key()), e);
        }
        JsonNode status = parse("status", resource.status());
        if (!status.isEmpty()) {
            // with a status subresource the API server drops status on create: write it separately
            FlottaCustomResource withStatus = copy(mapping, stored);
            withStatus.setStatus(status);
            try {
                stored = ops(resource.kind()).inNamespace(resource.namespace()).resource(withStatus).updateStatus();
            } catch (KubernetesClientException e) {
                throw translate("set the status of new " + describe(resource.key()), e);
            }
        }
        remember(resource.key(), stored);
        return toResource(resource.kind(), stored);
    }

    @Override
    public Resource update(Resource resource) {
        FlottaCustomResource next = prepareWrite(resource, "update");
        next.getMetadata().setLabels(new HashMap<>(resource.labels()));
        next.setSpec(parse("spec", resource.spec()));
        FlottaCustomResource stored;
        try {
            stored = ops(resource.kind()).inNamespace(resource.namespace()).resource(next).update();
        } catch (KubernetesClientException e) {
            throw translate("update " + describe(resource.key()), e);
        }
        remember(resource.key(), stored);
        return toResource(resource.kind(), stored);
    }

    @Override
    public Resource updateStatus(Resource resource) {
        FlottaCustomResource next = prepareWrite(resource, "update the status of");
        next.setStatus(parse("status", resource.status()));
        FlottaCustomResource stored;
        try {
            stored = ops(resource.kind()).inNamespace(resource.namespace()).resource(next).updateStatus();
        } catch (KubernetesClientException e) {
            throw translate("update the status of " + describe(resource.key()), e);
        }
        remember(resource.key(), stored);
        return toResource(resource.kind(), stored);
    }

    /** A copy of the current object carrying the caller's revision, so the API server checks it. */
    private FlottaCustomResource prepareWrite(Resource resource, String doing) {
        checkWritable(resource.key());
        requireRevision(resource, doing);
        KindMapping mapping = KindMapping.of(resource.kind());
        FlottaCustomResource base = current(resource.key()).orElseGet(() -> fetch(resource.key()));
        if (base == null) {
            throw new FlottaException(Code.NOT_FOUND, describe(resource.key()) + " does not exist");
        }
        FlottaCustomResource next = copy(mapping, base);
        next.getMetadata().setResourceVersion(resource.revision());
        return next;
    }

    private static void requireRevision(Resource resource, String doing) {
        if (resource.revision() == null || resource.revision().isBlank()) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "revision: required to " + doing + " "
                    + describe(resource.key()) + " (read it first)");
        }
    }

    private FlottaCustomResource fetch(ResourceKey key) {
        try {
            return ops(key.kind()).inNamespace(key.namespace()).withName(key.name()).get();
        } catch (KubernetesClientException e) {
            throw translate("read " + describe(key), e);
        }
    }

    @Override
    public boolean delete(ResourceKey key) {
        checkWritable(key);
        return delete(key, ops(key.kind()).inNamespace(key.namespace()).withName(key.name()));
    }

    @Override
    public boolean delete(Resource resource) {
        ResourceKey key = resource.key();
        checkWritable(key);
        requireRevision(resource, "delete");
        // the API server compares the resource version (a delete precondition)
        return delete(key, ops(key.kind()).inNamespace(key.namespace()).withName(key.name())
                .lockResourceVersion(resource.revision()));
    }

    private boolean delete(ResourceKey key, Deletable target) {
        boolean existed;
        try {
            existed = !target.delete().isEmpty();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                existed = false;
            } else {
                throw translate("delete " + describe(key), e);
            }
        }
        Written gone = new Written(Optional.empty(), Long.MAX_VALUE);
        written.put(key, gone);
        if (informer(key.kind()).getStore().getByKey(key.namespace() + "/" + key.name()) == null) {
            written.remove(key, gone);
        }
        if (key.kind() == Kind.DEVICE) {
            lastSeen.remove(key);
            lastSeenPending.remove(key);
        }
        return existed;
    }

    /**
     * Keeps a write's result until the informer shows it. The informer updates its cache before it
     * calls the handler, so checking the cache after the put cannot miss an event that came first.
     */
    private void remember(ResourceKey key, FlottaCustomResource stored) {
        Written w = new Written(Optional.of(stored), revisionNumber(stored));
        written.put(key, w);
        FlottaCustomResource cached = informer(key.kind()).getStore().getByKey(key.namespace() + "/" + key.name());
        if (cached != null && revisionNumber(cached) >= w.revision()) {
            written.remove(key, w);
        }
    }

    private void informerSaw(ResourceKey key, FlottaCustomResource cr, boolean deleted) {
        Written w = written.get(key);
        if (w == null) {
            return;
        }
        boolean caughtUp = w.object().isEmpty() ? deleted : revisionNumber(cr) >= w.revision();
        if (caughtUp) {
            written.remove(key, w);
        }
    }

    // ---- liveness ----------------------------------------------------------------------------

    @Override
    public void recordLastSeen(ResourceKey device, Instant time) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(time, "time");
        Instant latest = lastSeen.merge(device, time, KubernetesStore::later);
        lastSeenPending.merge(device, latest, KubernetesStore::later);
    }

    @Override
    public Map<ResourceKey, Instant> lastSeen() {
        return Map.copyOf(lastSeen);
    }

    /** Writes pending last-seen times now; returns how many annotations it wrote. */
    public int flushLastSeen() {
        int writes = 0;
        for (Map.Entry<ResourceKey, Instant> e : Map.copyOf(lastSeenPending).entrySet()) {
            ResourceKey key = e.getKey();
            Instant time = e.getValue();
            Optional<FlottaCustomResource> device = current(key);
            if (device.isEmpty()) {
                lastSeenPending.remove(key, time);
                continue;
            }
            Instant persisted = annotatedLastSeen(device.get());
            if (persisted == null || persisted.isBefore(time)) {
                String patch = "{\"metadata\":{\"annotations\":{\"" + LAST_SEEN_ANNOTATION + "\":\"" + time + "\"}}}";
                try {
                    ops(Kind.DEVICE).inNamespace(key.namespace()).withName(key.name())
                            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                    writes++;
                } catch (KubernetesClientException ex) {
                    if (ex.getCode() != 404) {
                        throw translate("record when " + describe(key) + " was last seen", ex);
                    }
                }
            }
            lastSeenPending.remove(key, time);
        }
        return writes;
    }

    private void flushLastSeenQuietly() {
        try {
            flushLastSeen();
        } catch (RuntimeException e) {
            LOG.warn("could not write last-seen times (kept in memory, retried later): {}", e.toString());
        }
    }

    private static Instant annotatedLastSeen(FlottaCustomResource cr) {
        Map<String, String> annotations = cr.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(LAST_SEEN_ANNOTATION);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    // ---- watch -------------------------------------------------------------------------------

    @Override
    public AutoCloseable watch(Consumer<StoreEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void emit(StoreEvent.Type type, Resource resource) {
        for (Consumer<StoreEvent> listener : listeners) {
            try {
                listener.accept(new StoreEvent(type, resource));
            } catch (RuntimeException e) {
                LOG.warn("store listener failed on {} {}", type, describe(resource.key()), e);
            }
        }
    }

    private final class Handler implements ResourceEventHandler<FlottaCustomResource> {
        private final Kind kind;

        Handler(Kind kind) {
            this.kind = kind;
        }

        @Override
        public void onAdd(FlottaCustomResource cr) {
            ResourceKey key = keyOf(kind, cr);
            informerSaw(key, cr, false);
            mergeLastSeen(key, cr);
            if (!deleting(cr)) {
                emit(StoreEvent.Type.ADDED, toResource(kind, cr));
            }
        }

        /** Another replica's flushed last-seen time counts here too (its leader marks devices offline). */
        private void mergeLastSeen(ResourceKey key, FlottaCustomResource cr) {
            if (kind == Kind.DEVICE && !deleting(cr)) {
                Instant seen = annotatedLastSeen(cr);
                if (seen != null) {
                    lastSeen.merge(key, seen, KubernetesStore::later);
                }
            }
        }

        @Override
        public void onUpdate(FlottaCustomResource before, FlottaCustomResource after) {
            ResourceKey key = keyOf(kind, after);
            informerSaw(key, after, false);
            mergeLastSeen(key, after);
            if (deleting(after)) {
                if (!deleting(before)) {
                    emit(StoreEvent.Type.DELETED, toResource(kind, before));
                }
                return;
            }
            Resource previous = toResource(kind, before);
            Resource now = toResource(kind, after);
            // a change of metadata only (the last-seen annotation, finalizers…) is no store change
            boolean changed = !previous.labels().equals(now.labels()) || !previous.spec().equals(now.spec())
                    || !previous.status().equals(now.status());
            if (changed) {
                emit(StoreEvent.Type.MODIFIED, now);
            }
        }

        @Override
        public void onDelete(FlottaCustomResource cr, boolean deletedFinalStateUnknown) {
            ResourceKey key = keyOf(kind, cr);
            informerSaw(key, cr, true);
            if (kind == Kind.DEVICE) {
                lastSeen.remove(key);
                lastSeenPending.remove(key);
            }
            if (!deleting(cr)) {
                // one being deleted was reported when its deletion started
                emit(StoreEvent.Type.DELETED, toResource(kind, cr));
            }
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    private void startInformers() {
        for (KindMapping mapping : KindMapping.values()) {
            MixedOperation<FlottaCustomResource, ?, ?> ops = ops(mapping.kind());
            SharedIndexInformer<FlottaCustomResource> informer = settings.namespace()
                    .map(ns -> ((NonNamespaceOperation<FlottaCustomResource, ?, ?>) ops.inNamespace(ns)).runnableInformer(0))
                    .orElseGet(() -> ops.inAnyNamespace().runnableInformer(0));
            informer.addEventHandler(new Handler(mapping.kind()));
            informers.put(mapping.kind(), informer);
        }
        long deadline = System.nanoTime() + settings.syncTimeout().toNanos();
        for (KindMapping mapping : KindMapping.values()) {
            SharedIndexInformer<FlottaCustomResource> informer = informers.get(mapping.kind());
            String what = HasMetadata.getFullResourceName(mapping.type());
            try {
                informer.start().toCompletableFuture().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof KubernetesClientException kce && kce.getCode() == 404) {
                    throw new ConfigurationException("the custom resource definition " + what + " is not installed: apply"
                            + " the CRDs shipped in flotta-k8s (META-INF/fabric8/*-v1.yml)", kce);
                }
                if (cause instanceof KubernetesClientException kce) {
                    throw translate("list " + what, kce);
                }
                throw new FlottaException(Code.UNAVAILABLE, "cannot list " + what + ": " + cause, cause);
            } catch (TimeoutException e) {
                throw new FlottaException(Code.UNAVAILABLE, "listing " + what + " took longer than "
                        + settings.syncTimeout() + ": is the API server at " + client.getMasterUrl() + " reachable?", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FlottaException(Code.UNAVAILABLE, "interrupted while listing " + what, e);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        flusher.shutdownNow();
        if (informers.size() == KindMapping.values().length) {
            // last writes before the caches go: a restarted control plane finds these times
            flushLastSeenQuietly();
        }
        closed = true;
        informers.values().forEach(SharedIndexInformer::stop);
        listeners.clear();
        if (ownsClient) {
            client.close();
        }
    }

    // ---- mapping -----------------------------------------------------------------------------

    @SuppressWarnings({"unchecked", "rawtypes"})
    private MixedOperation<FlottaCustomResource, ?, io.fabric8.kubernetes.client.dsl.Resource<FlottaCustomResource>> ops(Kind kind) {
        return (MixedOperation) client.resources(KindMapping.of(kind).type());
    }

    private SharedIndexInformer<FlottaCustomResource> informer(Kind kind) {
        if (closed) {
            throw new FlottaException(Code.UNAVAILABLE, "the Kubernetes store is closed");
        }
        return informers.get(kind);
    }

    private void checkWritable(ResourceKey key) {
        if (closed) {
            throw new FlottaException(Code.UNAVAILABLE, "the Kubernetes store is closed");
        }
        if (key.name().isBlank()) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "name: must not be blank");
        }
        settings.namespace().ifPresent(ns -> {
            if (!ns.equals(key.namespace())) {
                throw new FlottaException(Code.INVALID_ARGUMENT, "namespace: this store keeps namespace " + ns
                        + " only, not " + key.namespace());
            }
        });
    }

    private static FlottaCustomResource copy(KindMapping mapping, FlottaCustomResource from) {
        FlottaCustomResource to = mapping.newInstance();
        ObjectMeta meta = new ObjectMetaBuilder(from.getMetadata()).build();
        to.setMetadata(meta);
        to.setSpec(from.getSpec() == null ? null : from.getSpec().deepCopy());
        to.setStatus(from.getStatus() == null ? null : from.getStatus().deepCopy());
        return to;
    }

    private static ResourceKey keyOf(Kind kind, FlottaCustomResource cr) {
        return new ResourceKey(kind, cr.getMetadata().getNamespace(), cr.getMetadata().getName());
    }

    private static Resource toResource(Kind kind, FlottaCustomResource cr) {
        ObjectMeta meta = cr.getMetadata();
        return new Resource(kind, meta.getNamespace(), meta.getName(), meta.getLabels(), text(cr.getSpec()),
                text(cr.getStatus()), meta.getResourceVersion());
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new FlottaException(Code.INTERNAL, "cannot encode a custom resource's document as JSON", e);
        }
    }

    private static JsonNode parse(String field, String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new FlottaException(Code.INVALID_ARGUMENT, field + ": must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new FlottaException(Code.INVALID_ARGUMENT, field + ": must be a JSON object (" + e.getOriginalMessage() + ")", e);
        }
    }

    private static long revisionNumber(FlottaCustomResource cr) {
        // resource versions are opaque to clients, but etcd-backed servers use its revision, a number;
        // if one is not, the informer's copy is taken as the newer one
        try {
            return Long.parseLong(cr.getMetadata().getResourceVersion());
        } catch (RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String describe(ResourceKey key) {
        return key.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + key.namespace() + "/" + key.name();
    }

    static FlottaException translate(String doing, KubernetesClientException e) {
        int status = e.getCode();
        String message = "cannot " + doing + ": " + (e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage() : e.getMessage());
        Code code = switch (status) {
            case 409 -> Code.CONFLICT;
            case 404 -> Code.NOT_FOUND;
            case 400, 422 -> Code.INVALID_ARGUMENT;
            case 401, 403 -> Code.CONFIGURATION;
            default -> Code.UNAVAILABLE;
        };
        return new FlottaException(code, message, e);
    }
}
