package io.flotta.core.testkit;

import io.flotta.spi.FlottaException;
import io.flotta.spi.runtime.Workload;
import io.flotta.spi.runtime.WorkloadEvent;
import io.flotta.spi.runtime.WorkloadPhase;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A runtime that records what it is asked to run and reports it {@code Running}: for tests of the
 * agent's logic. Counts applies that changed something, so a test sees needless re-creation.
 */
public final class RecordingRuntime implements WorkloadRuntime {

    public final Map<String, Workload> workloads = new ConcurrentHashMap<>();
    public final AtomicInteger changes = new AtomicInteger();
    public final List<String> refused = new CopyOnWriteArrayList<>();
    private final List<Consumer<WorkloadEvent>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void apply(Workload workload) {
        if (workload.specification().contains("refuse-me")) {
            refused.add(workload.name());
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "image refuse-me not known");
        }
        if (!workload.equals(workloads.put(workload.name(), workload))) {
            changes.incrementAndGet();
            listeners.forEach(l -> l.accept(new WorkloadEvent(workload.name(), false, "Started", "started",
                    Instant.now())));
        }
    }

    @Override
    public void remove(String name) {
        if (workloads.remove(name) != null) {
            changes.incrementAndGet();
        }
    }

    @Override
    public List<WorkloadStatus> list() {
        return workloads.keySet().stream().sorted().map(n -> new WorkloadStatus(n, WorkloadPhase.RUNNING, "", null))
                .toList();
    }

    @Override
    public AutoCloseable watch(Consumer<WorkloadEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
    }
}
