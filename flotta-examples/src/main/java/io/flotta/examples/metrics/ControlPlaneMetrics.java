package io.flotta.examples.metrics;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.model.DeviceStatus;
import io.flotta.spi.transport.DeviceApi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane's Prometheus metrics. All series aggregate over devices (no device id is ever a
 * tag), so their number stays the same whatever the fleet size:
 *
 * <ul>
 *   <li>{@code flotta_devices{state}}: devices by state ({@code online}, {@code offline}, {@code pending}
 *       for registered devices that have not reported yet);</li>
 *   <li>{@code flotta_deployments}: deployments; {@code flotta_deployment_workloads{phase}}: workloads
 *       placed on devices, by phase ({@code Deploying}, {@code Running}…);</li>
 *   <li>{@code flotta_enrolments_pending}: enrolment requests awaiting approval;</li>
 *   <li>{@code flotta_registrations_total}, {@code flotta_heartbeats_total}: accepted registrations
 *       and heartbeats;</li>
 *   <li>{@code flotta_device_api_requests_seconds{route,directive,status}}: device API latency.</li>
 * </ul>
 *
 * <p>Gauges are computed from the control plane when scraped ({@link #scrape()}), not kept up to
 * date on every write: a scrape costs one pass over the devices the store holds in memory, reading
 * again only the statuses that changed since the last scrape ({@link ControlPlane#fleetCounts()}).
 */
public final class ControlPlaneMetrics {

    private final ControlPlane controlPlane;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge devices;
    private final MultiGauge workloads;
    private final AtomicInteger deployments = new AtomicInteger();
    private final AtomicInteger pendingEnrolments = new AtomicInteger();
    final Counter registrations;
    final Counter heartbeats;

    public ControlPlaneMetrics(ControlPlane controlPlane) {
        this.controlPlane = Objects.requireNonNull(controlPlane, "controlPlane");
        this.devices = MultiGauge.builder("flotta.devices").description("Devices by state").register(registry);
        this.workloads = MultiGauge.builder("flotta.deployment.workloads")
                .description("Workloads placed on devices, by phase").register(registry);
        registry.gauge("flotta.deployments", deployments);
        registry.gauge("flotta.enrolments.pending", pendingEnrolments);
        this.registrations = Counter.builder("flotta.registrations")
                .description("Registrations (and renewals) the device API accepted").register(registry);
        this.heartbeats = Counter.builder("flotta.heartbeats")
                .description("Heartbeats the device API accepted").register(registry);
        // the process itself: what sizing a fleet needs (CPU, heap, threads, open files)
        new ProcessorMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        refresh();
    }

    /** {@code api} with its calls timed and counted here. */
    public DeviceApi meter(DeviceApi api) {
        return new MeteredDeviceApi(api, this, registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The current values in the Prometheus text format. */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    private synchronized void refresh() {
        ControlPlane.FleetCounts counts = controlPlane.fleetCounts();
        Map<String, Integer> byState = new TreeMap<>(Map.of(DeviceStatus.ONLINE, 0, DeviceStatus.OFFLINE, 0));
        byState.putAll(counts.devicesByState());
        devices.register(rows("state", byState), true);
        workloads.register(rows("phase", counts.workloadsByPhase()), true);
        deployments.set(counts.deployments());
        pendingEnrolments.set((int) controlPlane.enrolmentRequests().stream().filter(e -> !e.approved()).count());
    }

    private static List<MultiGauge.Row<?>> rows(String tag, Map<String, Integer> values) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        values.forEach((k, v) -> rows.add(MultiGauge.Row.of(Tags.of(tag, k), v)));
        return rows;
    }
}
