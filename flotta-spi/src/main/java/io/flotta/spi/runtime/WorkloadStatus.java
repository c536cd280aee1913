package io.flotta.spi.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * What the runtime observes of one workload.
 *
 * @param name    the workload's name
 * @param phase   its phase
 * @param message a human-readable reason (e.g. the deploy error), or empty
 * @param since   when it entered this phase (best effort)
 */
public record WorkloadStatus(String name, WorkloadPhase phase, String message, Instant since) {

    public WorkloadStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(phase, "phase");
        message = message == null ? "" : message;
        since = since == null ? Instant.now() : since;
    }
}
