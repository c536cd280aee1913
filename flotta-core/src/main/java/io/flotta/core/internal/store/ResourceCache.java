package io.flotta.core.internal.store;

import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The committed state of every resource, in memory. Any thread may read; only the store's writer
 * thread changes it, and only after the change is committed to the database.
 */
final class ResourceCache {

    private static final Comparator<Resource> BY_NAMESPACE_AND_NAME =
            Comparator.comparing(Resource::namespace).thenComparing(Resource::name);

    private final Map<Kind, ConcurrentHashMap<ResourceKey, Resource>> byKind = new EnumMap<>(Kind.class);

    ResourceCache() {
        for (Kind kind : Kind.values()) {
            byKind.put(kind, new ConcurrentHashMap<>());
        }
    }

    Resource get(ResourceKey key) {
        return byKind.get(key.kind()).get(key);
    }

    boolean contains(ResourceKey key) {
        return byKind.get(key.kind()).containsKey(key);
    }

    /** A snapshot, sorted by namespace and name so callers see a stable order. */
    List<Resource> list(Kind kind) {
        List<Resource> resources = new ArrayList<>(byKind.get(kind).values());
        resources.sort(BY_NAMESPACE_AND_NAME);
        return resources;
    }

    void put(Resource resource) {
        byKind.get(resource.kind()).put(resource.key(), resource);
    }

    void remove(ResourceKey key) {
        byKind.get(key.kind()).remove(key);
    }
}
