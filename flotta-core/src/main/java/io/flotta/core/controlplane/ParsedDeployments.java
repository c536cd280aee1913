package io.flotta.core.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.ModelJson;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deployment specs parsed once per change of their text, not once per device and call: placement
 * and configuration assembly both walk every deployment for every device.
 *
 * <p>What it hands out is shared and must not be changed; the public API parses its own copies.
 */
final class ParsedDeployments {

    /**
     * A deployment as placement and assembly need it.
     *
     * @param specJson the stored spec text it was parsed from
     * @param spec     the parsed spec
     * @param workload the deployment's entry in a configuration's {@code workloads} (upstream {@code Workload})
     */
    record Parsed(String specJson, DeploymentSpec spec, ObjectNode workload) {
    }

    private final Map<ResourceKey, Parsed> byKey = new ConcurrentHashMap<>();

    Parsed get(Resource deployment) {
        ResourceKey key = deployment.key();
        Parsed cached = byKey.get(key);
        if (cached != null && cached.specJson().equals(deployment.spec())) {
            return cached;
        }
        DeploymentSpec spec = ModelJson.read(deployment.spec(), DeploymentSpec.class);
        Parsed parsed = new Parsed(deployment.spec(), spec, workload(deployment, spec));
        byKey.put(key, parsed);
        return parsed;
    }

    void forget(ResourceKey deployment) {
        byKey.remove(deployment);
    }

    private static ObjectNode workload(Resource deployment, DeploymentSpec spec) {
        ObjectNode w = JsonNodeFactory.instance.objectNode();
        w.put("name", deployment.name());
        w.put("namespace", deployment.namespace());
        // JSON is YAML: the upstream agent's YAML parser reads it as it is
        w.put("specification", spec.pod().path("spec").toString());
        if (spec.labels() != null && !spec.labels().isEmpty()) {
            w.set("labels", ModelJson.mapper().valueToTree(new TreeMap<>(spec.labels())));
        }
        if (spec.annotations() != null && !spec.annotations().isEmpty()) {
            w.set("annotations", ModelJson.mapper().valueToTree(new TreeMap<>(spec.annotations())));
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
}
