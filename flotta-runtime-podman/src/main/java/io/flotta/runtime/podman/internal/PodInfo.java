package io.flotta.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.runtime.WorkloadPhase;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One pod as {@code podman pod ps --format json} shows it.
 *
 * @param containers its application containers (the infra container left out)
 */
public record PodInfo(String id, String name, String status, Instant created, Map<String, String> labels,
        List<ContainerInfo> containers) {

    /** A container of the pod: its full name is {@code <pod>-<container>}. */
    public record ContainerInfo(String id, String name, String status) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static List<PodInfo> parseList(String json) {
        if (json.isBlank()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new FlottaException(Code.INTERNAL, "unreadable output of podman pod ps: " + e.getMessage(), e);
        }
        List<PodInfo> pods = new ArrayList<>();
        for (JsonNode pod : root) {
            String infraId = pod.path("InfraId").asText("");
            List<ContainerInfo> containers = new ArrayList<>();
            for (JsonNode container : pod.path("Containers")) {
                String id = container.path("Id").asText();
                if (!id.equals(infraId)) {
                    containers.add(new ContainerInfo(id, container.path("Names").asText(), container.path("Status").asText()));
                }
            }
            Map<String, String> labels = new TreeMap<>();
            pod.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            pods.add(new PodInfo(pod.path("Id").asText(), pod.path("Name").asText(), pod.path("Status").asText(),
                    parseTime(pod.path("Created").asText(null)), labels, containers));
        }
        return pods;
    }

    public boolean managed() {
        return "true".equals(labels.get(Labels.MANAGED));
    }

    /** The runtime instance that made the pod, or empty. */
    public String owner() {
        return labels.getOrDefault(Labels.OWNER, "");
    }

    /** Made by Flotta, by the runtime instance {@code owner}. */
    public boolean ownedBy(String owner) {
        return managed() && owner.equals(owner());
    }

    public String hash() {
        return labels.getOrDefault(Labels.HASH, "");
    }

    /** The workload this pod runs: its label, else the pod's name. */
    public String workload() {
        return labels.getOrDefault(Labels.WORKLOAD, name);
    }

    /**
     * The phase to report. A degraded pod (some containers up, some not) counts as Running: with
     * the default restart policy its stopped containers are being restarted or have finished their
     * job; the message says which ones are not running, and Died events carry the exit codes.
     */
    public WorkloadPhase phase() {
        switch (status) {
            case "Running":
            case "Degraded":
                return WorkloadPhase.RUNNING;
            case "Created":
                return WorkloadPhase.CREATED;
            case "Stopped":
            case "Paused":
                return WorkloadPhase.STOPPED;
            case "Exited":
                return WorkloadPhase.EXITED;
            case "Error":
            case "Dead":
                return WorkloadPhase.FAILED;
            default:
                return WorkloadPhase.UNKNOWN;
        }
    }

    /** Names the containers that are not running when the pod is degraded; empty otherwise. */
    public String message() {
        if (!"Degraded".equals(status) && !"Paused".equals(status)) {
            return "";
        }
        String notRunning = containers.stream()
                .filter(c -> !"running".equals(c.status()))
                .map(c -> shortName(c.name()) + " " + c.status())
                .collect(Collectors.joining(", "));
        return status.toLowerCase() + (notRunning.isEmpty() ? "" : ": " + notRunning);
    }

    /** A container's name as the workload's spec has it. */
    public String shortName(String containerName) {
        return containerName.startsWith(name + "-") ? containerName.substring(name.length() + 1) : containerName;
    }

    static Instant parseTime(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
