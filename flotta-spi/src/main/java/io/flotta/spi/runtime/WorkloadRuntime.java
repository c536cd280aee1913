package io.flotta.spi.runtime;

import java.util.List;
import java.util.function.Consumer;

/**
 * Runs workloads on the device.
 *
 * <p>Contract: thread-safe. {@link #apply} and {@link #remove} are idempotent: applying an unchanged
 * workload does nothing, applying a changed one replaces it, removing an absent one succeeds. They
 * throw {@link io.flotta.spi.FlottaException} ({@code INVALID_ARGUMENT} for a spec the runtime
 * refuses, {@code UNAVAILABLE} when the engine cannot be reached) and must leave other workloads
 * untouched. The runtime manages only what it created: {@link #list()} never shows, and nothing here
 * ever touches, workloads it does not own.
 */
public interface WorkloadRuntime extends AutoCloseable {

    void apply(Workload workload);

    void remove(String name);

    /** The workloads this runtime owns, with their current status. */
    List<WorkloadStatus> list();

    /**
     * Delivers events as they happen, on a runtime thread, until the returned handle is closed.
     * The listener must not block.
     */
    AutoCloseable watch(Consumer<WorkloadEvent> listener);

    @Override
    void close();
}
