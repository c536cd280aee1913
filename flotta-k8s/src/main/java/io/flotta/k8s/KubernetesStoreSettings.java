package io.flotta.k8s;

import io.flotta.spi.ConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link KubernetesStore} works.
 *
 * @param namespace          the one namespace it keeps resources in; empty to use every namespace
 *                           (the client's credentials must then allow cluster-wide list and watch)
 * @param lastSeenFlush      how often last-seen times are written to the devices' annotation; between
 *                           flushes heartbeats cost no API-server write
 * @param syncTimeout        how long to wait for the informers' first list before failing
 */
public record KubernetesStoreSettings(Optional<String> namespace, Duration lastSeenFlush, Duration syncTimeout) {

    public static final Duration DEFAULT_LAST_SEEN_FLUSH = Duration.ofMinutes(1);
    public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(30);

    public KubernetesStoreSettings {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(lastSeenFlush, "lastSeenFlush");
        Objects.requireNonNull(syncTimeout, "syncTimeout");
        if (namespace.isPresent() && namespace.get().isBlank()) {
            throw new ConfigurationException("namespace: must not be blank (leave it empty for every namespace)");
        }
        if (lastSeenFlush.isNegative() || lastSeenFlush.isZero()) {
            throw new ConfigurationException("lastSeenFlush: must be positive, was " + lastSeenFlush);
        }
        if (syncTimeout.isNegative() || syncTimeout.isZero()) {
            throw new ConfigurationException("syncTimeout: must be positive, was " + syncTimeout);
        }
    }

    /** One namespace, default timings. */
    public static KubernetesStoreSettings namespace(String namespace) {
        return new KubernetesStoreSettings(Optional.of(namespace), DEFAULT_LAST_SEEN_FLUSH, DEFAULT_SYNC_TIMEOUT);
    }

    /** Every namespace, default timings. */
    public static KubernetesStoreSettings allNamespaces() {
        return new KubernetesStoreSettings(Optional.empty(), DEFAULT_LAST_SEEN_FLUSH, DEFAULT_SYNC_TIMEOUT);
    }

    public KubernetesStoreSettings withLastSeenFlush(Duration interval) {
        return new KubernetesStoreSettings(namespace, interval, syncTimeout);
    }
}
