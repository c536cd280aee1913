package io.flotta.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.model.DeviceSettings;
import io.flotta.core.model.DeviceStatus;
import io.flotta.core.model.ModelJson;
import io.flotta.k8s.internal.BucketClaims;
import io.flotta.k8s.internal.Finalizers;
import io.flotta.k8s.model.EdgeDeployment;
import io.flotta.k8s.model.EdgeDevice;
import io.flotta.k8s.model.FlottaCustomResource;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What only one control-plane replica does in Kubernetes mode, on top of the engine's own
 * reactions to store changes: finalizers on {@code EdgeDevice}s and {@code EdgeDeployment}s, so that
 * deleting a device revokes it and removes its enrolment request and bucket claim, and deleting a
 * deployment detaches it from its devices, before the resource goes; and an
 * {@code ObjectBucketClaim} for each device whose settings request storage, with the claim's name
 * and, once a provisioner has bound it, the bucket in the device's status.
 *
 * <p>Every replica starts one; they elect a leader through a Lease, and the leader alone runs these
 * controllers and the engine's fleet-wide work ({@link ControlPlane#setLeader}). Every replica serves
 * the device API. Build the engine with {@code leader(false)} so that it waits for the election.
 *
 * <p>Each controller pass looks at every device and deployment in the informers' caches; passes are
 * triggered by changes (coalesced) and run at least every {@link Builder#resync}.
 */
public final class KubernetesControllers implements AutoCloseable {

    /** Finalizer the leader puts on devices and deployments. */
    public static final String FINALIZER = FlottaCustomResource.GROUP + "/control-plane";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesControllers.class);
    private static final int MAX_CONFLICT_RETRIES = 8;

    private final KubernetesClient client;
    private final String namespace;
    private final ControlPlane controlPlane;
    private final KubernetesStore store;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final SharedIndexInformer<EdgeDevice> devices;
    private final SharedIndexInformer<EdgeDeployment> deployments;
    private final Finalizers finalizers;
    /** Null when bucket claims are off or their CRD is not installed. */
    private final BucketClaims claims;
    private final LeaderElection election;
    private volatile boolean leading;

    private KubernetesControllers(Builder b) {
        this.client = b.client;
        this.namespace = b.namespace;
        this.controlPlane = b.controlPlane;
        this.store = b.store;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flotta-k8s-controllers");
            t.setDaemon(true);
            return t;
        });
        this.finalizers = new Finalizers(client, FINALIZER);
        this.devices = watch(client.resources(EdgeDevice.class).inNamespace(namespace).runnableInformer(0));
        this.deployments = watch(client.resources(EdgeDeployment.class).inNamespace(namespace).runnableInformer(0));
        BucketClaims bucketClaims = null;
        if (b.storageClassName != null) {
            SharedIndexInformer<GenericKubernetesResource> claimInformer =
                    watch(BucketClaims.claims(client).inNamespace(namespace).runnableInformer(0));
            bucketClaims = new BucketClaims(client, b.storageClassName, claimInformer);
        }
        try {
            for (SharedIndexInformer<?> informer : informers) {
                informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            informers.forEach(SharedIndexInformer::stop);
            executor.shutdownNow();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof KubernetesClientException kce && kce.getCode() == 404 && bucketClaims != null) {
                throw new ConfigurationException("the ObjectBucketClaim CRD (objectbucket.io/v1alpha1) is not installed:"
                        + " install a bucket provisioner, or start the controllers without a storage class", kce);
            }
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "the controllers' informers did not start: " + cause, e);
        }
        this.claims = bucketClaims;
        long resync = b.resync.toMillis();
        executor.scheduleWithFixedDelay(this::queuePass, resync, resync, TimeUnit.MILLISECONDS);
        this.election = LeaderElection.start(client, namespace, b.lease, b.identity, b.timing, this::startLeading,
                this::stopLeading);
    }

    /** Controllers for the engine {@code controlPlane} running on {@code store}, both the caller's. */
    public static Builder builder(KubernetesClient client, ControlPlane controlPlane, KubernetesStore store) {
        return new Builder(client, controlPlane, store);
    }

    /** Whether this replica leads now (and so runs the controllers). */
    public boolean isLeader() {
        return leading;
    }

    /** The leader's identity as last observed. */
    public String leader() {
        return election.leader();
    }

    private <T> SharedIndexInformer<T> watch(SharedIndexInformer<T> informer) {
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                queuePass();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                queuePass();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                queuePass();
            }
        });
        informers.add(informer);
        return informer;
    }

    private void startLeading() {
        leading = true;
        controlPlane.setLeader(true);
        queuePass();
    }

    private void stopLeading() {
        leading = false;
        controlPlane.setLeader(false);
    }

    /** Asks for one more pass; changes arriving while one is queued ride along with it. */
    private void queuePass() {
        if (leading && passQueued.compareAndSet(false, true) && !executor.isShutdown()) {
            try {
                executor.execute(this::pass);
            } catch (RuntimeException e) {
                passQueued.set(false);
            }
        }
    }

    private void pass() {
        passQueued.set(false);
        if (!leading) {
            return;
        }
        for (EdgeDevice device : devices.getStore().list()) {
            try {
                reconcileDevice(device);
            } catch (RuntimeException e) {
                LOG.warn("device {}/{}: {}", device.getMetadata().getNamespace(), device.getMetadata().getName(), e.toString());
            }
        }
        for (EdgeDeployment deployment : deployments.getStore().list()) {
            try {
                reconcileDeployment(deployment);
            } catch (RuntimeException e) {
                LOG.warn("deployment {}/{}: {}", deployment.getMetadata().getNamespace(), deployment.getMetadata().getName(),
                        e.toString());
            }
        }
    }

    private void reconcileDevice(EdgeDevice device) {
        String ns = device.getMetadata().getNamespace();
        String id = device.getMetadata().getName();
        if (KubernetesStore.deleting(device)) {
            if (finalizers.has(device)) {
                // revoked (tombstone first), request and claim gone: only then may the resource go
                DeviceStatus last = device.getStatus() == null ? DeviceStatus.empty()
                        : ModelJson.mapper().convertValue(device.getStatus(), DeviceStatus.class);
                controlPlane.revokeDeletedDevice(ns, id, last);
                if (claims != null) {
                    claims.delete(ns, id);
                }
                finalizers.remove(device);
                LOG.info("device {}/{} finalized: revoked, enrolment request removed", ns, id);
            }
            return;
        }
        if (!finalizers.has(device)) {
            finalizers.add(device);
        }
        if (claims == null) {
            return;
        }
        Optional<DeviceSettings> settings = controlPlane.deviceSettings(ns, id);
        if (settings.isEmpty() || !settings.get().storageRequested()) {
            return;
        }
        String claim = claims.ensure(device);
        DeviceStatus status = device.getStatus() == null ? DeviceStatus.empty()
                : ModelJson.mapper().convertValue(device.getStatus(), DeviceStatus.class);
        Optional<com.fasterxml.jackson.databind.JsonNode> bucket = (status.storage() == null || status.storage().isNull())
                ? claims.bucket(ns, claim) : Optional.empty();
        if (!claim.equals(status.storageClaim()) || bucket.isPresent()) {
            updateStatus(new ResourceKey(Kind.DEVICE, ns, id), s -> {
                DeviceStatus next = s.withStorageClaim(claim);
                return bucket.isPresent() && (s.storage() == null || s.storage().isNull()) ? next.withStorage(bucket.get()) : next;
            });
            bucket.ifPresent(b -> LOG.info("device {}/{} writes its data to the bucket of claim {}", ns, id, claim));
        }
    }

    private void reconcileDeployment(EdgeDeployment deployment) {
        if (!KubernetesStore.deleting(deployment)) {
            if (!finalizers.has(deployment)) {
                finalizers.add(deployment);
            }
            return;
        }
        if (!finalizers.has(deployment)) {
            return;
        }
        // the store already shows it deleted, so the engine is taking it off its devices: wait for that
        String ns = deployment.getMetadata().getNamespace();
        String name = deployment.getMetadata().getName();
        boolean placed = store.list(Kind.DEVICE).stream()
                .filter(d -> d.namespace().equals(ns))
                .anyMatch(d -> ModelJson.read(d.status(), DeviceStatus.class).workloads().stream()
                        .anyMatch(w -> w.name().equals(name)));
        if (!placed) {
            finalizers.remove(deployment);
            LOG.info("deployment {}/{} finalized: detached from every device", ns, name);
        }
    }

    private void updateStatus(ResourceKey key, UnaryOperator<DeviceStatus> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                Optional<Resource> r = store.get(key);
                if (r.isEmpty()) {
                    return;
                }
                DeviceStatus before = ModelJson.read(r.get().status(), DeviceStatus.class);
                DeviceStatus after = change.apply(before);
                if (!after.equals(before)) {
                    store.updateStatus(r.get().withStatus(ModelJson.write(after)));
                }
                return;
            } catch (FlottaException e) {
                if (e.code() != FlottaException.Code.CONFLICT || attempt >= MAX_CONFLICT_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /** Stops campaigning (a leader releases its lease at once) and the controllers. */
    @Override
    public void close() {
        election.close();
        if (leading) {
            stopLeading();
        }
        executor.shutdownNow();
        informers.forEach(SharedIndexInformer::stop);
    }

    /** Configures and starts {@link KubernetesControllers}. */
    public static final class Builder {
        private final KubernetesClient client;
        private final ControlPlane controlPlane;
        private final KubernetesStore store;
        private String namespace;
        private String identity;
        private String lease = "flotta-controllers";
        private LeaderElection.Timing timing = LeaderElection.Timing.defaults();
        private Duration resync = Duration.ofSeconds(30);
        private String storageClassName;

        private Builder(KubernetesClient client, ControlPlane controlPlane, KubernetesStore store) {
            this.client = Objects.requireNonNull(client, "client");
            this.controlPlane = Objects.requireNonNull(controlPlane, "controlPlane");
            this.store = Objects.requireNonNull(store, "store");
            this.namespace = store.settings().namespace().orElse(null);
        }

        /** The namespace of the devices, deployments and Lease; default: the store's. */
        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        /** This replica's name in the election (unique, e.g. the pod name). Required. */
        public Builder identity(String value) {
            this.identity = value;
            return this;
        }

        /** The Lease's name; default {@code flotta-controllers}. */
        public Builder lease(String value) {
            this.lease = value;
            return this;
        }

        public Builder timing(LeaderElection.Timing value) {
            this.timing = Objects.requireNonNull(value, "timing");
            return this;
        }

        /** Longest time between two controller passes; default 30 s. */
        public Builder resync(Duration value) {
            this.resync = Objects.requireNonNull(value, "resync");
            return this;
        }

        /**
         * Creates {@code ObjectBucketClaim}s of this storage class for devices that request storage;
         * default: none are created (and the claim CRD need not be installed).
         */
        public Builder bucketClaims(String storageClass) {
            this.storageClassName = storageClass;
            return this;
        }

        public KubernetesControllers start() {
            if (namespace == null || namespace.isBlank()) {
                throw new ConfigurationException("namespace: required (the store watches every namespace)");
            }
            if (identity == null || identity.isBlank()) {
                throw new ConfigurationException("identity: required, unique per replica");
            }
            if (resync.toMillis() < 100) {
                throw new ConfigurationException("resync: must be at least 100 ms, was " + resync);
            }
            if (storageClassName != null && storageClassName.isBlank()) {
                throw new ConfigurationException("bucketClaims: the storage class must not be blank");
            }
            return new KubernetesControllers(this);
        }
    }
}
