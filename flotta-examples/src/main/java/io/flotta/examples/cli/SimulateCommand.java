package io.flotta.examples.cli;

import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.examples.admin.AdminCredentials;
import io.flotta.examples.simulator.SimulationReport;
import io.flotta.examples.simulator.Simulator;
import io.flotta.examples.simulator.SimulatorSettings;
import io.flotta.spi.ConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flotta simulate}: a fleet of simulated devices against a running control plane. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run N simulated devices in this JVM against a running control plane (`flotta server`):",
                "each pairs with its own key and certificate, keeps its configuration current, heartbeats;",
                "prints throughput, latencies, errors and the control plane's CPU and heap."})
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--devices", defaultValue = "100", description = "How many devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--bundle", defaultValue = "flotta-data/bootstrap", description = "The device bootstrap bundle (default: ${DEFAULT-VALUE}).")
    Path bundle;

    @Option(names = "--admin-dir", defaultValue = "flotta-data", description = "The server's data directory with the "
            + "admin credential, for workloads, fan-out and /metrics (default: ${DEFAULT-VALUE}).")
    Path adminDir;

    @Option(names = "--transport", description = "Transport provider, e.g. http or grpc (default: the bundle's); "
            + "the bundle must name that transport's server (`flotta server --grpc-port` for grpc).")
    String transport;

    @Option(names = "--duration", defaultValue = "60", description = "Seconds the paired fleet runs (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--heartbeat-seconds", defaultValue = "60", description = "Heartbeat period (default: ${DEFAULT-VALUE}).")
    int heartbeatSeconds;

    @Option(names = "--upstream-poll", description = "Fetch the full configuration every --poll-seconds instead of long polling (upstream's mode).")
    boolean upstreamPoll;

    @Option(names = "--poll-seconds", defaultValue = "5", description = "Poll period with --upstream-poll (default: ${DEFAULT-VALUE}).")
    int pollSeconds;

    @Option(names = "--long-poll-seconds", defaultValue = "30", description = "How long one long poll waits (default: ${DEFAULT-VALUE}).")
    int longPollSeconds;

    @Option(names = "--workloads", defaultValue = "0=100", split = ",", description = "Workload mix: "
            + "count=percent pairs, e.g. 0=50,1=30,3=20 (default: ${DEFAULT-VALUE}).")
    Map<Integer, Integer> workloads = new LinkedHashMap<>();

    @Option(names = "--fan-out", description = "After the run, change a deployment on every device and time its arrival.")
    boolean fanOut;

    @Option(names = "--renew", description = "Every device renews its certificate once during the run.")
    boolean renew;

    @Option(names = "--pairing-concurrency", defaultValue = "4", description = "Devices pairing at once (default: ${DEFAULT-VALUE}).")
    int pairingConcurrency;

    @Option(names = "--warm-up", defaultValue = "0", description = "Devices paired before the measured fleet and then "
            + "stopped, so that the measurement finds both JVMs warm, as a control plane in service is (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--json", description = "Also write the report as JSON to this file.")
    Path json;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (!Files.isDirectory(bundle)) {
            throw new ConfigurationException("no bootstrap bundle at " + bundle.toAbsolutePath()
                    + ": start `flotta server` first or pass --bundle");
        }
        AdminCredentials admin = Files.isRegularFile(adminDir.resolve(AdminCredentials.CERT_FILE))
                ? AdminCredentials.read(adminDir, null) : null;
        URI metrics = admin == null ? null : URI.create(admin.server().toString().replaceAll("/+$", "") + "/metrics");
        BootstrapBundle bootstrap = BootstrapBundle.read(bundle).forTransport(transport);
        SimulatorSettings settings = SimulatorSettings.builder().bundle(bootstrap).admin(admin)
                .metrics(metrics).transport(bootstrap.transport()).devices(devices).duration(Duration.ofSeconds(durationSeconds))
                .heartbeatPeriod(Duration.ofSeconds(heartbeatSeconds))
                .mode(upstreamPoll ? SimulatorSettings.Mode.UPSTREAM_POLL : SimulatorSettings.Mode.LONG_POLL)
                .upstreamPollInterval(Duration.ofSeconds(pollSeconds)).longPollWait(Duration.ofSeconds(longPollSeconds))
                .workloadMix(workloads).fanOut(fanOut).renew(renew).registrationConcurrency(pairingConcurrency)
                .warmUpDevices(warmUp)
                .build();
        SimulationReport report = new Simulator(settings).run();
        System.out.println(report.table());
        System.out.println("summary header: " + SimulationReport.summaryHeader());
        System.out.println("summary: " + report.summaryRow());
        if (json != null) {
            Files.writeString(json, report.json() + "\n");
        }
        return report.paired() == report.devices() ? 0 : FlottaCli.EXIT_FAILED;
    }
}
