package io.flotta.spi.store;

import java.util.Map;
import java.util.Objects;

/**
 * One stored resource. Spec and status are JSON documents owned by {@code flotta-core}; stores keep
 * them verbatim (a Kubernetes store maps them onto a custom resource's spec and status).
 *
 * @param kind      what it is
 * @param namespace its namespace
 * @param name      unique per kind and namespace
 * @param labels    labels, used by selectors
 * @param spec      desired state, JSON object text
 * @param status    observed state, JSON object text
 * @param revision  opaque version for optimistic concurrency; {@code null} for a resource not yet stored
 */
public record Resource(
        Kind kind, String namespace, String name, Map<String, String> labels, String spec, String status,
        String revision) {

    public Resource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        spec = spec == null ? "{}" : spec;
        status = status == null ? "{}" : status;
    }

    public static Resource of(Kind kind, String namespace, String name) {
        return new Resource(kind, namespace, name, Map.of(), "{}", "{}", null);
    }

    public ResourceKey key() {
        return new ResourceKey(kind, namespace, name);
    }

    public Resource withLabels(Map<String, String> newLabels) {
        return new Resource(kind, namespace, name, newLabels, spec, status, revision);
    }

    public Resource withSpec(String newSpec) {
        return new Resource(kind, namespace, name, labels, newSpec, status, revision);
    }

    public Resource withStatus(String newStatus) {
        return new Resource(kind, namespace, name, labels, spec, newStatus, revision);
    }

    public Resource withRevision(String newRevision) {
        return new Resource(kind, namespace, name, labels, spec, status, newRevision);
    }
}
