package io.flotta.examples.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Counts, latencies (microseconds, HdrHistogram), bytes and errors of one kind of device API call,
 * recorded from many threads at once.
 */
final class OperationStats {

    private static final int ERROR_SAMPLES = 5;

    private final String name;
    private final boolean timed;
    private final Histogram latencies = new ConcurrentHistogram(3_600_000_000L, 3);
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<String, Boolean> errorSamples = new ConcurrentHashMap<>();

    /** @param timed false for calls whose duration is a wait by design (long polls) */
    OperationStats(String name, boolean timed) {
        this.name = name;
        this.timed = timed;
    }

    String name() {
        return name;
    }

    void success(long startNanos, int responseBytes) {
        count.incrementAndGet();
        bytes.addAndGet(responseBytes);
        if (timed) {
            latencies.recordValue(Math.max(0, (System.nanoTime() - startNanos) / 1000));
        }
    }

    void error(String reason) {
        count.incrementAndGet();
        errors.incrementAndGet();
        if (errorSamples.size() < ERROR_SAMPLES) {
            errorSamples.put(reason, Boolean.TRUE);
        }
    }

    /** Starts over (a new phase). */
    void reset() {
        latencies.reset();
        count.set(0);
        errors.set(0);
        bytes.set(0);
        errorSamples.clear();
    }

    long count() {
        return count.get();
    }

    long errors() {
        return errors.get();
    }

    /** The numbers over {@code seconds} of wall time. */
    SimulationReport.Operation snapshot(double seconds) {
        return snapshot(name, seconds);
    }

    /** The same under another name (a phase of this operation reported on its own). */
    SimulationReport.Operation snapshot(String reportedName, double seconds) {
        long n = count.get();
        boolean hasLatency = timed && latencies.getTotalCount() > 0;
        return new SimulationReport.Operation(reportedName, n, errors.get(), seconds > 0 ? n / seconds : 0,
                hasLatency ? latencies.getValueAtPercentile(50) / 1000.0 : null,
                hasLatency ? latencies.getValueAtPercentile(99) / 1000.0 : null,
                hasLatency ? latencies.getMaxValue() / 1000.0 : null,
                bytes.get(), List.copyOf(new ArrayList<>(errorSamples.keySet())));
    }
}
