package io.flotta.runtime.podman.internal;

/** Labels this runtime puts on its pods (and podman copies to their containers). */
public final class Labels {

    /** Marks a pod as created by Flotta; nothing without it is ever listed or touched. */
    public static final String MANAGED = "io.flotta/managed";
    /**
     * The runtime instance that made the pod (see {@link PodmanSettings#owner()}): several agents on
     * one host each see only their own pods, so one never removes another's.
     */
    public static final String OWNER = "io.flotta/owner";
    /** The workload's name, so container events can be traced back to it. */
    public static final String WORKLOAD = "io.flotta/workload";
    /** A hash of everything the pod was made from; equal hash means nothing to do. */
    public static final String HASH = "io.flotta/hash";
    /** Seconds a container gets between SIGTERM and SIGKILL when the pod is stopped. */
    public static final String STOP_TIMEOUT = "io.flotta/stop-timeout";

    private Labels() {
    }
}
