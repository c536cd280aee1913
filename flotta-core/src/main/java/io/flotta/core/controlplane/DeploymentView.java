package io.flotta.core.controlplane;

import io.flotta.core.model.DeploymentSpec;
import java.util.Map;

/**
 * A deployment with its status aggregated over the devices it is placed on.
 *
 * @param phases number of devices per workload phase ({@code Deploying}, {@code Running}…)
 */
public record DeploymentView(String namespace, String name, DeploymentSpec spec, Map<String, Integer> phases) {
}
