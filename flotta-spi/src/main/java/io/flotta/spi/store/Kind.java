package io.flotta.spi.store;

/** The kinds of resources the control plane keeps. */
public enum Kind {
    /** An edge device: spec (labels are on the resource), status (hardware, workloads, certificate…). */
    DEVICE,
    /** A workload deployment: spec (pod spec, selector), status (per-phase counts). */
    DEPLOYMENT,
    /** An enrolment request awaiting or carrying approval; its name is the device id. */
    ENROLMENT,
    /** Configuration shared by the devices that name it. */
    DEVICE_SET,
    /** Proof that a device was deleted: its certificates stop working and it is told to disconnect. */
    TOMBSTONE
}
