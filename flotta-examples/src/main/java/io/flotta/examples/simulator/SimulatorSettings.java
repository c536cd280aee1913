package io.flotta.examples.simulator;

import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.examples.admin.AdminCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What to simulate.
 *
 * @param bundle                  the devices' bootstrap bundle (server, CA, registration certificate)
 * @param admin                   admin credentials for creating deployments, or null (no workloads, no fan-out)
 * @param metrics                 the control plane's {@code /metrics} URL, or null
 * @param transport               the transport provider's name ({@code http}, {@code grpc}, ...)
 * @param devices                 how many devices
 * @param duration                how long the fleet runs after pairing, measuring heartbeats and configuration
 * @param heartbeatPeriod         each device's heartbeat period; the fleet's heartbeats are spread evenly over it
 * @param mode                    how devices get their configuration
 * @param upstreamPollInterval    the full-configuration poll period in {@link Mode#UPSTREAM_POLL}
 * @param longPollWait            how long one long poll waits in {@link Mode#LONG_POLL}
 * @param workloadMix             percentage of devices (value) by number of workloads (key); sums to 100
 * @param fanOut                  after the run, change a deployment placed on every device and time its arrival
 * @param renew                   every device renews its certificate once during the run (spread evenly)
 * @param registrationConcurrency how many devices pair at the same time
 * @param idPrefix                device ids are {@code <idPrefix>-<n>}
 * @param warmUpDevices           devices paired (and given their configuration once) before the
 *                                measured fleet, then stopped, so that both JVMs have compiled the
 *                                code pairing runs: a control plane in service is warm. 0 for none
 */
public record SimulatorSettings(
        BootstrapBundle bundle,
        AdminCredentials admin,
        URI metrics,
        String transport,
        int devices,
        Duration duration,
        Duration heartbeatPeriod,
        Mode mode,
        Duration upstreamPollInterval,
        Duration longPollWait,
        Map<Integer, Integer> workloadMix,
        boolean fanOut,
        boolean renew,
        int registrationConcurrency,
        String idPrefix,
        int warmUpDevices) {

    /** How a device learns its configuration. */
    public enum Mode {
        /** Conditional fetch with the version as ETag, held open until it changes (or the watch of a push transport). */
        LONG_POLL,
        /** Upstream Flotta's: the full configuration every few seconds, unconditionally. */
        UPSTREAM_POLL
    }

    public SimulatorSettings {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(mode, "mode");
        if (devices < 1) {
            throw new IllegalArgumentException("devices must be at least 1, was " + devices);
        }
        if (warmUpDevices < 0) {
            throw new IllegalArgumentException("warmUpDevices must be 0 or more, was " + warmUpDevices);
        }
        if (registrationConcurrency < 1) {
            throw new IllegalArgumentException("registrationConcurrency must be at least 1");
        }
        workloadMix = new TreeMap<>(workloadMix == null || workloadMix.isEmpty() ? Map.of(0, 100) : workloadMix);
        int total = workloadMix.values().stream().mapToInt(Integer::intValue).sum();
        if (total != 100 || workloadMix.keySet().stream().anyMatch(k -> k < 0)) {
            throw new IllegalArgumentException("workloadMix must give percentages summing to 100 for workload "
                    + "counts of 0 or more, was " + workloadMix);
        }
        if ((fanOut || workloadMix.keySet().stream().anyMatch(k -> k > 0)) && admin == null) {
            throw new IllegalArgumentException("admin credentials are needed for workloads and fan-out");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SimulatorSettings}; defaults: http, 100 devices, 30 s, 60 s heartbeats, long poll. */
    public static final class Builder {
        private BootstrapBundle bundle;
        private AdminCredentials admin;
        private URI metrics;
        private String transport = "http";
        private int devices = 100;
        private Duration duration = Duration.ofSeconds(30);
        private Duration heartbeatPeriod = Duration.ofSeconds(60);
        private Mode mode = Mode.LONG_POLL;
        private Duration upstreamPollInterval = Duration.ofSeconds(5);
        private Duration longPollWait = Duration.ofSeconds(30);
        private Map<Integer, Integer> workloadMix = Map.of(0, 100);
        private boolean fanOut;
        private boolean renew;
        private int registrationConcurrency = 4;
        private String idPrefix = "sim";
        private int warmUpDevices;

        public Builder bundle(BootstrapBundle v) { bundle = v; return this; }
        public Builder admin(AdminCredentials v) { admin = v; return this; }
        public Builder metrics(URI v) { metrics = v; return this; }
        public Builder transport(String v) { transport = v; return this; }
        public Builder devices(int v) { devices = v; return this; }
        public Builder duration(Duration v) { duration = v; return this; }
        public Builder heartbeatPeriod(Duration v) { heartbeatPeriod = v; return this; }
        public Builder mode(Mode v) { mode = v; return this; }
        public Builder upstreamPollInterval(Duration v) { upstreamPollInterval = v; return this; }
        public Builder longPollWait(Duration v) { longPollWait = v; return this; }
        public Builder workloadMix(Map<Integer, Integer> v) { workloadMix = v; return this; }
        public Builder fanOut(boolean v) { fanOut = v; return this; }
        public Builder renew(boolean v) { renew = v; return this; }
        public Builder registrationConcurrency(int v) { registrationConcurrency = v; return this; }
        public Builder idPrefix(String v) { idPrefix = v; return this; }
        public Builder warmUpDevices(int v) { warmUpDevices = v; return this; }

        public SimulatorSettings build() {
            return new SimulatorSettings(bundle, admin, metrics, transport, devices, duration, heartbeatPeriod, mode,
                    upstreamPollInterval, longPollWait, workloadMix, fanOut, renew, registrationConcurrency, idPrefix,
                    warmUpDevices);
        }
    }
}
