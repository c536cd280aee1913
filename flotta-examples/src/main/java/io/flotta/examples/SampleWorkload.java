package io.flotta.examples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.LabelSelector;
import java.util.Map;

/**
 * The demo's workload: busybox httpd from the locally built image, serving a page that shows an
 * environment value, with a host port on loopback; and a busybox container that writes a file into
 * the {@code /export} data volume, which the agent uploads to the device's bucket.
 */
public final class SampleWorkload {

    /** Built by {@code scripts/setup-podman.sh}; no registry is needed. */
    public static final String IMAGE = "localhost/flotta/httpd:latest";
    public static final String BUSYBOX_IMAGE = "localhost/flotta/busybox:latest";
    /** The file the writer container puts into {@code /export}, i.e. under the workload's prefix in the bucket. */
    public static final String DATA_FILE = "greeting.txt";
    private static final String WRITER_SCRIPT = "trap 'exit 0' TERM INT; "
            + "echo \"$MESSAGE from device $DEVICE_ID, written $(date -u +%Y-%m-%dT%H:%M:%SZ)\" > /export/" + DATA_FILE
            + "; while true; do sleep 1; done";

    private SampleWorkload() {
    }

    /** A deployment for the devices whose hostname label matches {@code deviceLabels}'. */
    public static DeploymentSpec deployment(Map<String, String> deviceLabels, int hostPort, String message) {
        String hostname = deviceLabels.get("device.hostname");
        LabelSelector selector = hostname == null ? new LabelSelector(Map.of(), java.util.List.of())
                : LabelSelector.matching(Map.of("device.hostname", hostname));
        return new DeploymentSpec(null, selector, "pod", podWritingData(hostPort, message), null, null, null, null,
                null);
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

    /**
     * {@link #pod} plus a second container that writes {@link #DATA_FILE} into the data volume, which
     * the agent uploads to the device's bucket.
     */
    public static ObjectNode podWritingData(int hostPort, String message) {
        ObjectNode pod = pod(hostPort, message);
        ObjectNode writer = ((com.fasterxml.jackson.databind.node.ArrayNode) pod.path("spec").path("containers"))
                .addObject();
        writer.put("name", "writer");
        writer.put("image", BUSYBOX_IMAGE);
        writer.put("imagePullPolicy", "IfNotPresent");
        writer.putArray("command").add("/bin/sh").add("-c").add(WRITER_SCRIPT);
        writer.putArray("env").addObject().put("name", "MESSAGE").put("value", message);
        return pod;
    }
}
