package io.flotta.examples.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.controlplane.DeploymentView;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.admin.AdminCredentials;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.flotta.examples.testing.Polling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short simulator run against a real control plane over real mTLS on loopback: correctness only
 * (every device paired, configured, every heartbeat and renewal accepted, a change reached all), no timing.
 */
class SimulatorIT {

    private static final int DEVICES = 100;

    @TempDir
    Path directory;

    @Test
    void hundredDevicesPairHeartbeatRenewAndReceiveTheirConfiguration() throws Exception {
        try (EmbeddedControlPlane cp = EmbeddedControlPlane.builder().dataDirectory(directory.resolve("cp"))
                .host("127.0.0.1").port(0).adminPort(0).embeddedObjectStore(false)
                .options(ControlPlaneOptions.builder().autoApprove(true).heartbeatPeriod(Duration.ofSeconds(4)).build())
                .start()) {
            AdminCredentials admin = cp.writeAdminCredentials(directory.resolve("admin"));
            SimulatorSettings settings = SimulatorSettings.builder()
                    .bundle(cp.writeBootstrapBundle(directory.resolve("bundle")))
                    .admin(admin)
                    .metrics(URI.create(cp.adminUrl().orElseThrow() + "/metrics"))
                    .transport("http")
                    .devices(DEVICES)
                    .duration(Duration.ofSeconds(8))
                    .heartbeatPeriod(Duration.ofSeconds(4))
                    .workloadMix(Map.of(0, 50, 1, 30, 2, 20))
                    .renew(true)
                    .fanOut(true)
                    .build();

            SimulationReport report = new Simulator(settings).run();
            System.out.println(report.table());

            assertThat(report.paired()).isEqualTo(DEVICES);
            assertThat(report.configured()).isEqualTo(DEVICES);
            assertThat(report.heartbeatsRefused()).isZero();
            // every device sends its first heartbeat within one period of pairing
            assertThat(report.heartbeatsAccepted()).isGreaterThanOrEqualTo(DEVICES);
            assertThat(report.operations()).allSatisfy(o -> assertThat(o.errors()).as(o.name()).isZero());
            // the control plane approves as it records, so each device enrols and registers once
            assertThat(report.operations()).filteredOn(o -> o.name().equals("enrolment")
                    || o.name().equals("registration")).extracting(o -> o.count()).containsOnly((long) DEVICES);
            assertThat(report.operations()).filteredOn(o -> o.name().equals("renewal"))
                    .singleElement().satisfies(o -> assertThat(o.count()).isEqualTo(DEVICES));
            assertThat(report.fanOut().reached()).isEqualTo(DEVICES);
            assertThat(report.controlPlane()).isNotNull();
            assertThat(report.controlPlane().heapMaxMegabytes()).isPositive();
            assertThat(report.json()).contains("\"heartbeat\"");
            assertThat(report.table()).contains("heartbeat", "control plane");
            // the benchmark script puts each run's row under the header the simulator prints
            assertThat(report.summaryRow().chars().filter(c -> c == '|').count())
                    .isEqualTo(SimulationReport.summaryHeader().chars().filter(c -> c == '|').count());
            // heartbeats sent while the change went out are reported on their own, never twice
            assertThat(report.operations()).filteredOn(o -> o.name().startsWith("heartbeat"))
                    .extracting(SimulationReport.Operation::name).doesNotHaveDuplicates()
                    .isSubsetOf("heartbeat", "heartbeat during change");

            // the control plane saw the same fleet: every device registered and reported its workloads running
            List<DeviceView> devices = cp.controlPlane().devices();
            assertThat(devices).hasSize(DEVICES);
            assertThat(devices).allSatisfy(d -> assertThat(d.lastSeen()).isNotNull());
            Map<String, Integer> expected = Map.of("sim-workload-1", 50, "sim-workload-2", 20, "sim-fan-out", DEVICES);
            // workload phases are recorded by the reconciler, which may trail the configuration it served
            Map<String, Integer> placed = Polling.await("every workload recorded on its devices", Duration.ofSeconds(30),
                    Duration.ofMillis(200), () -> {
                        Map<String, Integer> now = new java.util.HashMap<>();
                        cp.controlPlane().deployments().forEach(d -> now.put(d.name(),
                                d.phases().values().stream().mapToInt(Integer::intValue).sum()));
                        return now.equals(expected) ? Optional.of(now) : Optional.empty();
                    });
            assertThat(placed).isEqualTo(expected);
            assertThat(cp.controlPlane().deployments()).extracting(DeploymentView::name)
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
    }

    @Test
    void warmUpDevicesPairBeforeTheMeasuredFleetAndAreNotCounted() throws Exception {
        try (EmbeddedControlPlane cp = EmbeddedControlPlane.builder().dataDirectory(directory.resolve("warm"))
                .host("127.0.0.1").port(0).adminPort(0).embeddedObjectStore(false)
                .options(ControlPlaneOptions.builder().autoApprove(true).build())
                .start()) {
            SimulatorSettings settings = SimulatorSettings.builder()
                    .bundle(cp.writeBootstrapBundle(directory.resolve("warm-bundle")))
                    .transport("http")
                    .devices(10)
                    .warmUpDevices(5)
                    .duration(Duration.ofSeconds(1))
                    .heartbeatPeriod(Duration.ofSeconds(2))
                    .build();

            SimulationReport report = new Simulator(settings).run();

            assertThat(report.devices()).isEqualTo(10);
            assertThat(report.paired()).isEqualTo(10);
            assertThat(report.operations()).filteredOn(o -> o.name().equals("enrolment")
                    || o.name().equals("registration")).extracting(o -> o.count()).containsOnly(10L);
            assertThat(cp.controlPlane().devices()).extracting(DeviceView::id)
                    .hasSize(15).filteredOn(id -> id.startsWith("sim-warm-up-")).hasSize(5);
        }
    }
}
