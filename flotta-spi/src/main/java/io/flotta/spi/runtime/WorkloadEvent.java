package io.flotta.spi.runtime;

import java.time.Instant;

/**
 * Something that happened to a workload (started, died with exit code 1, failed to deploy…), sent to
 * the control plane with the next heartbeat.
 *
 * @param workload the workload's name
 * @param warning  true for a failure, false for normal progress
 * @param reason   a short CamelCase reason, e.g. {@code Started}, {@code Died}, {@code FailedToDeploy}
 * @param message  the details
 * @param time     when it happened
 */
public record WorkloadEvent(String workload, boolean warning, String reason, String message, Instant time) {
}
