package io.flotta.spi.runtime;

/** Workload phases as reported to the control plane; {@link #wireName()} is what heartbeats carry. */
public enum WorkloadPhase {
    DEPLOYING("Deploying"),
    CREATED("Created"),
    RUNNING("Running"),
    STOPPED("Stopped"),
    EXITED("Exited"),
    FAILED("Failed"),
    UNKNOWN("Unknown");

    private final String wireName;

    WorkloadPhase(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
