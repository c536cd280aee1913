package io.flotta.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.LabelSelector;
import java.util.Map;

/**
 * The demo's workload: busybox httpd from the locally built image, serving a page that shows an
 * environment value, with a host port on loopback.
 */
public final class SampleWorkload {

    /** Built by {@code scripts/setup-podman.sh}; no registry is needed. */
    public static final String IMAGE = "localhost/flotta/httpd:latest";

    private SampleWorkload() {
    }

    /** A deployment for the devices whose hostname label matches {@code deviceLabels}'. */
    public static DeploymentSpec deployment(Map<String, String> deviceLabels, int hostPort, String message) {
        String hostname = deviceLabels.get("device.hostname");
        LabelSelector selector = hostname == null ? new LabelSelector(Map.of(), java.util.List.of())
                : LabelSelector.matching(Map.of("device.hostname", hostname));
        return new DeploymentSpec(null, selector, "pod", pod(hostPort, message), null, null, null, null, null);
    }

    public static ObjectNode pod(int hostPort, String message) {
        ObjectNode pod = JsonNodeFactory.instance.objectNode();
        ObjectNode container = pod.putObject("spec").putArray("containers").addObject();
        container.put("name", "httpd");
        container.put("image", IMAGE);
        container.put("imagePullPolicy", "IfNotPresent");
        ObjectNode env = container.putArray("env").addObject();
        env.put("name", "MESSAGE");
        env.put("value", message);
        ObjectNode port = container.putArray("ports").addObject();
        port.put("containerPort", 8080);
        port.put("hostPort", hostPort);
        port.put("hostIP", "127.0.0.1");
        port.put("protocol", "TCP");
        return pod;
    }
}
