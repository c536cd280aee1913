package io.flotta.k8s.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;

/**
 * Adds and removes one finalizer with JSON patches that test what they change, so a patch made
 * from a stale copy fails (and the next pass retries) instead of dropping someone else's finalizer.
 */
public final class Finalizers {

    private final KubernetesClient client;
    private final String finalizer;

    public Finalizers(KubernetesClient client, String finalizer) {
        this.client = client;
        this.finalizer = finalizer;
    }

    public boolean has(HasMetadata resource) {
        List<String> all = resource.getMetadata().getFinalizers();
        return all != null && all.contains(finalizer);
    }

    public void add(HasMetadata resource) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode ops = f.arrayNode();
        ops.addObject().put("op", "test").put("path", "/metadata/resourceVersion")
                .put("value", resource.getMetadata().getResourceVersion());
        List<String> all = resource.getMetadata().getFinalizers();
        if (all == null || all.isEmpty()) {
            ops.addObject().put("op", "add").put("path", "/metadata/finalizers").set("value", f.arrayNode().add(finalizer));
        } else {
            ops.addObject().put("op", "add").put("path", "/metadata/finalizers/-").put("value", finalizer);
        }
        patch(resource, ops);
    }

    public void remove(HasMetadata resource) {
        List<String> all = resource.getMetadata().getFinalizers();
        int index = all == null ? -1 : all.indexOf(finalizer);
        if (index < 0) {
            return;
        }
        ArrayNode ops = JsonNodeFactory.instance.arrayNode();
        ops.addObject().put("op", "test").put("path", "/metadata/finalizers/" + index).put("value", finalizer);
        ops.addObject().put("op", "remove").put("path", "/metadata/finalizers/" + index);
        patch(resource, ops);
    }

    private void patch(HasMetadata resource, ArrayNode ops) {
        try {
            client.resource(resource).patch(PatchContext.of(PatchType.JSON), ops.toString());
        } catch (KubernetesClientException e) {
            // gone already, or changed since we read it (a failed test is 422): the next pass sees the new state
            if (e.getCode() != 404 && e.getCode() != 422 && e.getCode() != 409) {
                throw e;
            }
        }
    }
}
