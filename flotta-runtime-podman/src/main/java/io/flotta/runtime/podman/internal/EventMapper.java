package io.flotta.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.spi.runtime.WorkloadEvent;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Maps one line of {@code podman events --format json} to a {@link WorkloadEvent}. Only container
 * events carry the pod's labels (podman copies them to every container), so those are the ones
 * used: the infra container and foreign containers have no {@link Labels#WORKLOAD} label.
 */
public final class EventMapper {

    private EventMapper() {
    }

    /**
     * @param stoppedByUs whether a container id belongs to a pod this runtime is stopping, so its
     *                    death is a {@code Stopped}, not a {@code Died}
     */
    public static Optional<WorkloadEvent> map(JsonNode event, Predicate<String> stoppedByUs) {
        if (!"container".equals(event.path("Type").asText())) {
            return Optional.empty();
        }
        String workload = event.path("Attributes").path(Labels.WORKLOAD).asText("");
        if (workload.isEmpty()) {
            return Optional.empty();
        }
        String fullName = event.path("Name").asText("");
        String container = fullName.startsWith(workload + "-") ? fullName.substring(workload.length() + 1) : fullName;
        Instant time = time(event);
        switch (event.path("Status").asText()) {
            case "start":
                return Optional.of(new WorkloadEvent(workload, false, "Started",
                        "container " + container + " started", time));
            case "died": {
                String code = event.has("ContainerExitCode") ? event.get("ContainerExitCode").asText() : "unknown";
                if (stoppedByUs.test(event.path("ID").asText())) {
                    return Optional.of(new WorkloadEvent(workload, false, "Stopped",
                            "container " + container + " stopped (exit code " + code + ")", time));
                }
                return Optional.of(new WorkloadEvent(workload, !"0".equals(code), "Died",
                        "container " + container + " exited with code " + code, time));
            }
            case "oom":
                return Optional.of(new WorkloadEvent(workload, true, "OOMKilled",
                        "container " + container + " ran out of memory", time));
            case "restart":
                return Optional.of(new WorkloadEvent(workload, false, "Restarted",
                        "container " + container + " restarted by its restart policy", time));
            case "health_status":
                if ("unhealthy".equals(event.path("HealthStatus").asText())) {
                    return Optional.of(new WorkloadEvent(workload, true, "Unhealthy",
                            "container " + container + " failed its health check", time));
                }
                return Optional.empty();
            default:
                return Optional.empty();
        }
    }

    static Instant time(JsonNode event) {
        Instant time = PodInfo.parseTime(event.path("Time").asText(null));
        return time != null ? time : Instant.now();
    }
}
