package io.flotta.examples;

import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.Workload;
import io.flotta.spi.runtime.WorkloadEvent;
import io.flotta.spi.runtime.WorkloadPhase;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import io.flotta.spi.runtime.WorkloadStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runtime that runs nothing and logs what it is asked to do: for trying the agent on a machine
 * without a container engine, and an example of a runtime provider (provider name {@code log},
 * lowest priority, so a real runtime wins whenever one is present).
 */
public final class LoggingRuntime implements WorkloadRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingRuntime.class);

    private final Map<String, Workload> workloads = new ConcurrentHashMap<>();
    private final List<Consumer<WorkloadEvent>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void apply(Workload workload) {
        Workload previous = workloads.put(workload.name(), workload);
        if (!workload.equals(previous)) {
            LOG.info("would run workload {}: {}", workload.name(), workload.specification());
            listeners.forEach(l -> l.accept(new WorkloadEvent(workload.name(), false, "Started",
                    "recorded by the log runtime", Instant.now())));
        }
    }

    @Override
    public void remove(String name) {
        if (workloads.remove(name) != null) {
            LOG.info("would remove workload {}", name);
        }
    }

    @Override
    public List<WorkloadStatus> list() {
        return workloads.keySet().stream().sorted()
                .map(n -> new WorkloadStatus(n, WorkloadPhase.RUNNING, "", null)).toList();
    }

    @Override
    public AutoCloseable watch(Consumer<WorkloadEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        workloads.clear();
    }

    /** The provider, registered in {@code META-INF/services}. */
    public static final class Provider implements WorkloadRuntimeProvider {
        @Override
        public String name() {
            return "log";
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public WorkloadRuntime create(ProviderConfig config) {
            return new LoggingRuntime();
        }
    }
}
