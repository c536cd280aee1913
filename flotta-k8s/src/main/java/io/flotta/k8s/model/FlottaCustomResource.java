package io.flotta.k8s.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * Common shape of Flotta's custom resources. Spec and status stay generic JSON: their documents are
 * owned by {@code flotta-core} and must round-trip unchanged, so this module never re-models them.
 */
public abstract class FlottaCustomResource extends CustomResource<JsonNode, JsonNode> implements Namespaced {

    /** API group of every Flotta custom resource. */
    public static final String GROUP = "management.project-flotta.io";
    /** API version of every Flotta custom resource. */
    public static final String VERSION = "v1alpha1";

    @Override
    protected JsonNode initSpec() {
        return null;
    }

    @Override
    protected JsonNode initStatus() {
        return null;
    }
}
