package io.flotta.examples.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flotta.core.model.ModelJson;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one simulator run measured: per operation counts, throughput and latencies; the fleet-level
 * times (registration, fan-out); and the control plane's CPU and heap as its {@code /metrics} showed
 * them. {@link #table()} for people, {@link #json()} for scripts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimulationReport(
        String transport,
        String mode,
        int devices,
        int paired,
        int configured,
        long heartbeatsAccepted,
        long heartbeatsRefused,
        int heartbeatSeconds,
        double registrationSeconds,
        double measuredSeconds,
        FanOut fanOut,
        List<Operation> operations,
        Resources controlPlane,
        Resources simulator,
        String loadAverage) {

    /**
     * One kind of call. Latencies in milliseconds; null when the call waits by design (long poll).
     * {@code throughput} is calls per second over the phase the call belongs to.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Operation(String name, long count, long errors, double throughput, Double p50Millis,
            Double p99Millis, Double maxMillis, long responseBytes, List<String> errorSamples) {
    }

    /** A deployment change until every device had it: the slowest device and the spread. */
    public record FanOut(int devices, int reached, double lastSeconds, double p50Seconds, double p99Seconds) {
    }

    /** A process's CPU (share of all cores, 0..1) and heap, averaged and at their peak over the run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Resources(Double cpuAverage, Double cpuMax, Double heapMaxMegabytes, Double threadsMax,
            Double openFilesMax) {
    }

    public String json() {
        return ModelJson.write(this);
    }

    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%d devices over %s, %s, heartbeats every %d s; load average %s%n",
                devices, transport, mode, heartbeatSeconds, loadAverage));
        b.append(String.format(Locale.ROOT, "paired %d/%d in %.1f s; configured %d/%d; heartbeats accepted %d, "
                + "refused %d (measured over %.0f s)%n", paired, devices, registrationSeconds, configured, devices,
                heartbeatsAccepted, heartbeatsRefused, measuredSeconds));
        if (fanOut != null) {
            b.append(String.format(Locale.ROOT, "deployment change reached %d/%d devices: last after %.2f s "
                    + "(p50 %.2f s, p99 %.2f s)%n", fanOut.reached(), fanOut.devices(), fanOut.lastSeconds(),
                    fanOut.p50Seconds(), fanOut.p99Seconds()));
        }
        b.append(String.format(Locale.ROOT, "%n%-24s %9s %7s %9s %9s %9s %9s %12s%n", "operation", "count", "errors",
                "per s", "p50 ms", "p99 ms", "max ms", "bytes in"));
        for (Operation o : operations) {
            b.append(String.format(Locale.ROOT, "%-24s %9d %7d %9.1f %9s %9s %9s %12d%n", o.name(), o.count(),
                    o.errors(), o.throughput(), millis(o.p50Millis()), millis(o.p99Millis()), millis(o.maxMillis()),
                    o.responseBytes()));
            for (String e : o.errorSamples()) {
                b.append("    error: ").append(e).append('\n');
            }
        }
        b.append(String.format(Locale.ROOT, "%n%-14s %9s %9s %12s %9s %11s%n", "process", "cpu avg", "cpu max",
                "heap max MB", "threads", "open files"));
        row(b, "control plane", controlPlane);
        row(b, "simulator", simulator);
        return b.toString();
    }

    /** The header line of {@link #summaryRow()}'s Markdown table (docs/performance.md), without the separator. */
    public static String summaryHeader() {
        return "| devices | transport | configuration | pairing s | heartbeat p50/p99/max ms | heartbeat p99 during "
                + "change ms | configuration p50/p99/max ms | fan-out last s | errors | control plane CPU avg | "
                + "control plane heap max MB | simulator CPU avg | load average |";
    }

    public String summaryRow() {
        long errors = operations.stream().mapToLong(Operation::errors).sum();
        String duringChange = timed(Simulator.HEARTBEAT_DURING_CHANGE).map(o -> millis(o.p99Millis())).orElse("-");
        return String.format(Locale.ROOT, "| %d | %s | %s | %.1f | %s | %s | %s | %s | %d | %s | %s | %s | %s |",
                devices, transport, mode, registrationSeconds, latencies("heartbeat"), duringChange,
                latencies("configuration"),
                fanOut == null ? "-" : String.format(Locale.ROOT, "%.2f (%d/%d)", fanOut.lastSeconds(),
                        fanOut.reached(), fanOut.devices()), errors,
                controlPlane == null ? "-" : percent(controlPlane.cpuAverage()),
                controlPlane == null ? "-" : number(controlPlane.heapMaxMegabytes()),
                simulator == null ? "-" : percent(simulator.cpuAverage()), loadAverage);
    }

    private String latencies(String operation) {
        return timed(operation).map(o -> millis(o.p50Millis()) + " / " + millis(o.p99Millis()) + " / "
                + millis(o.maxMillis())).orElse("-");
    }

    /** The operation of that name, if it was timed (long polls are not). */
    private Optional<Operation> timed(String operation) {
        return operations.stream().filter(o -> o.name().equals(operation) && o.p50Millis() != null).findFirst();
    }

    private static void row(StringBuilder b, String name, Resources r) {
        if (r == null) {
            b.append(String.format(Locale.ROOT, "%-14s (no metrics)%n", name));
            return;
        }
        b.append(String.format(Locale.ROOT, "%-14s %9s %9s %12s %9s %11s%n", name, percent(r.cpuAverage()),
                percent(r.cpuMax()), number(r.heapMaxMegabytes()), number(r.threadsMax()), number(r.openFilesMax())));
    }

    private static String millis(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.0f%%", value * 100);
    }

    private static String number(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.0f", value);
    }
}
