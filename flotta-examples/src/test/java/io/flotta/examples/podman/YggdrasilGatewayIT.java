package io.flotta.examples.podman;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.LabelSelector;
import io.flotta.core.pki.Pem;
import io.flotta.examples.SampleWorkload;
import io.flotta.examples.cli.FlottaCli;
import io.flotta.examples.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two-process device of the seed: our gateway ({@code flotta gateway}, a child JVM) talks to
 * our control plane over mTLS and runs our agent ({@code flotta agent}, its worker, a grandchild
 * JVM) over unix-socket gRPC. The configuration files are the bootstrap bundle's upstream-layout
 * {@code config.toml} and a worker file. Needs podman and the images of
 * {@code scripts/setup-podman.sh}; fails (never skips) without them.
 */
class YggdrasilGatewayIT extends PodmanDeviceTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> JVM = List.of("-Xmx128m", "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");

    private final List<ChildJvm> gateways = new ArrayList<>();
    /** Workers this test's gateways started that a killed gateway could have left behind. */
    private final List<ProcessHandle> workerProcesses = new ArrayList<>();
    private ChildJvm gateway;

    YggdrasilGatewayIT() {
        super("ygg", WAIT, Duration.ofMillis(100), 200);
    }

    @Override
    List<ChildJvm> processes() {
        return gateways;
    }

    @BeforeEach
    void startControlPlaneAndGateway() throws IOException {
        startControlPlane();
        // what an image builder adds to the bundle's config.toml: the device id and a fixed socket
        Files.writeString(bundle.resolve(BootstrapBundle.GATEWAY_CONFIG_FILE), "client-id = \"" + deviceId + "\"\n"
                + "socket-addr = \"unix:" + dir.resolve("yggd.sock") + "\"\n", StandardOpenOption.APPEND);
        Path workers = Files.createDirectories(bundle.resolve("workers"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(workers.resolve("device-worker.toml"), String.join("\n",
                "exec = \"" + java + " " + String.join(" ", JVM) + " -cp " + System.getProperty("java.class.path")
                        + " " + FlottaCli.class.getName() + " agent --bundle " + bundle + " --state-dir " + agentState
                        + " --device-id " + deviceId + " --runtime podman --max-backoff-seconds 2\"",
                "protocol = \"grpc\"",
                "env = [\"FLOTTA_WORKER=device\"]",
                ""));

        long started = System.nanoTime();
        gateway = startGateway();
        DeviceView device = awaitFirstHeartbeat("pair through the gateway", WAIT);
        System.out.printf("gateway pairing: gateway JVM started -> registered and first heartbeat %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        Map<String, String> labels = new HashMap<>(device.labels());
        labels.put("ygg-run", run);
        cp.setDeviceLabels(NS, deviceId, labels);
    }

    @AfterEach
    void stopGatewayAndWorkers() {
        if (gateway != null) {
            gateway.stopOrKill(Duration.ofSeconds(30));
        }
        workerProcesses.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void theAgentAsTheGatewaysWorkerPairsAndRunsAPodmanWorkload() throws IOException {
        // the worker wrote its device certificate where the gateway reads its own, and the gateway took it
        gateway.awaitLine(Pattern.compile("reloaded the client certificate CN=" + deviceId), WAIT);
        assertThat(leafOf(BootstrapBundle.GATEWAY_CERT_FILE).getSubjectX500Principal().getName()).contains("CN=" + deviceId);
        assertThat(leafOf(BootstrapBundle.CERT_FILE).getSubjectX500Principal().getName())
                .as("the registration certificate stays in the bundle").contains("CN=register");
        assertThat(gateway.linesMatching(Pattern.compile("\\[device-worker\\] .*registered with the gateway at unix:")))
                .isNotEmpty();

        String name = workload("web");
        int port = Podman.freePort();
        deploy(name, SampleWorkload.pod(port, "first"));
        String page = awaitPage(port, "MESSAGE=first");
        assertThat(page).contains("DEVICE_ID=" + deviceId);
        awaitPhase(name, "Running");
        String firstPod = Podman.podId(name).orElseThrow();
        if (Podman.nftPresent()) {
            assertThat(Podman.nftTable()).contains("dport " + port).contains("flotta workload " + name);
        }
        assertThat(awaitEvent(name, "Started").message()).contains("container httpd started");
        assertThat(cp.deployments()).filteredOn(d -> d.name().equals(name)).singleElement()
                .satisfies(d -> assertThat(d.phases()).containsExactly(Map.entry("Running", 1)));

        deploy(name, SampleWorkload.pod(port, "second"));
        awaitPage(port, "MESSAGE=second");
        assertThat(Podman.podId(name)).as("a changed deployment gets a new pod").isPresent().get().isNotEqualTo(firstPod);
        assertThat(awaitEvent(name, "Stopped").message()).as("the old container was stopped, not killed")
                .contains("container httpd stopped");
        awaitPhase(name, "Running");
    }

    @Test
    void aRestartedGatewayGetsItsWorkerBackAndADeletedDeviceIsWipedThroughIt() {
        String name = workload("keep");
        int port = Podman.freePort();
        deploy(name, SampleWorkload.pod(port, "kept"));
        awaitPage(port, "MESSAGE=kept");
        awaitPhase(name, "Running");
        String pod = Podman.podId(name).orElseThrow();
        List<String> serials = device().status().certificateSerials();

        // a clean restart: the gateway stops its worker, the new one starts it and it registers again
        gateway.stop(Duration.ofSeconds(40)); // SIGTERM: the JVM's exit code is 143 after its shutdown hooks
        assertThat(gateway.linesMatching(Pattern.compile("gateway stopped"))).as("a clean shutdown").isNotEmpty();
        awaitPage(port, "MESSAGE=kept"); // the device keeps working unattended
        Instant restarted = Instant.now();
        gateway = startGateway();
        gateway.awaitLine(Pattern.compile("worker registered: handler device"), WAIT);
        await("a heartbeat through the restarted gateway", () -> cp.device(NS, deviceId)
                .filter(d -> d.lastSeen() != null && d.lastSeen().isAfter(restarted.plusSeconds(2))));
        assertThat(device().status().certificateSerials()).as("no new pairing").isEqualTo(serials);
        assertThat(Podman.podId(name)).as("the pod was not recreated").contains(pod);
        assertThat(gateway.linesMatching(Pattern.compile("reloaded the client certificate")))
                .as("the restarted gateway started with the device certificate").isEmpty();
        assertThat(gateway.lines().get(0).text() + gateway.awaitLine(Pattern.compile("gateway \\S+ started"), WAIT).text())
                .contains("certificate CN=" + deviceId);

        // a killed gateway leaves its worker running: the next one stops it before starting a new one
        ProcessHandle orphan = gateway.handle().children().findFirst().orElseThrow();
        workerProcesses.add(orphan);
        gateway.kill();
        assertThat(orphan.isAlive()).as("the worker outlives a killed gateway").isTrue();
        Instant killed = Instant.now();
        gateway = startGateway();
        gateway.awaitLine(Pattern.compile("stopping the leftover worker device-worker \\(pid " + orphan.pid() + "\\)"), WAIT);
        await("the leftover worker to end", () -> Optional.of(orphan).filter(p -> !p.isAlive()));
        gateway.awaitLine(Pattern.compile("worker registered: handler device"), WAIT);
        await("a heartbeat through the gateway started after the kill", () -> cp.device(NS, deviceId)
                .filter(d -> d.lastSeen() != null && d.lastSeen().isAfter(killed.plusSeconds(2))));
        assertThat(Podman.podId(name)).as("the pod was not recreated").contains(pod);
        assertThat(device().status().certificateSerials()).isEqualTo(serials);

        // deletion: control/in says disconnect, the gateway notifies its worker, the agent wipes itself
        assertThat(cp.deleteDevice(NS, deviceId)).isTrue();
        gateway.awaitLine(Pattern.compile("the control plane sent disconnect: notifying the workers"), WAIT);
        gateway.awaitLine(Pattern.compile("\\[device-worker\\] .*was deleted by the control plane: removing workloads and state"),
                WAIT);
        await("pod " + name + " removed and port closed", () -> Optional.of(name)
                .filter(n -> Podman.podId(n).isEmpty() && !Podman.listening(port)));
        gateway.awaitLine(Pattern.compile("worker device-worker \\(pid \\d+\\) exited with 3"), WAIT);
        // the restarted worker starts from nothing: the gateway presents the registration certificate again
        await("the registration certificate back in the gateway's files", () -> Optional.of(leafOf(BootstrapBundle.GATEWAY_CERT_FILE))
                .filter(c -> c.getSubjectX500Principal().getName().contains("CN=register")));
        assertThat(gateway.isAlive()).as("the gateway keeps running").isTrue();
    }

    // ------------------------------------------------------------------------------------- helpers

    private ChildJvm startGateway() {
        ChildJvm started = ChildJvm.start("gateway-" + run, JVM, FlottaCli.class, List.of("gateway",
                "--config", bundle.resolve(BootstrapBundle.GATEWAY_CONFIG_FILE).toString(),
                "--poll-interval-seconds", "1"));
        gateways.add(started);
        return started;
    }

    private X509Certificate leafOf(String file) {
        try {
            return Pem.readCertificates(Files.readString(bundle.resolve(file))).get(0);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void deploy(String name, com.fasterxml.jackson.databind.JsonNode pod) {
        LabelSelector selector = new LabelSelector(Map.of("ygg-run", run), List.of());
        cp.applyDeployment(NS, name, new DeploymentSpec(null, selector, "pod", pod, null, null, null, null, null));
    }
}
