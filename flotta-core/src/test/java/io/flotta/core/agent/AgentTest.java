package io.flotta.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.testkit.InMemoryTransport;
import io.flotta.core.testkit.RecordingRuntime;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.core.wire.HardwareInfo;
import io.flotta.core.wire.Json;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.Route;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's lifecycle against a real control-plane engine, without sockets (see the e2e tests for those). */
class AgentTest {

    @TempDir
    Path dir;

    TestControlPlane cp;
    final AtomicReference<DeviceApi> api = new AtomicReference<>();
    final RecordingRuntime runtime = new RecordingRuntime();
    Agent agent;

    void startControlPlane(ControlPlaneOptions options) {
        cp = new TestControlPlane(dir.resolve("cp"), options);
        api.set(cp.controlPlane.deviceApi());
    }

    Agent newAgent() {
        BootstrapBundle bundle = new BootstrapBundle(URI.create("https://127.0.0.1:1"), cp.ca.trustAnchors(),
                new io.flotta.spi.transport.ClientIdentity(cp.registration.key(), cp.registration.chain()));
        return Agent.builder().bootstrap(bundle).stateDirectory(dir.resolve("agent")).deviceId("dev-1")
                .transport(new InMemoryTransport(api::get)).runtime(runtime)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).controlPollInterval(Duration.ofMillis(200))
                .build();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    @Test
    void pairsFetchesConfigurationAndHeartbeatsWithHardware() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(1)).build());
        agent = newAgent();
        agent.start();

        await(() -> agent.heartbeatsAccepted() >= 2);
        DeviceView device = cp.controlPlane.device("default", "dev-1").orElseThrow();
        assertThat(device.lastSeen()).isNotNull();
        assertThat(device.status().hardware().path("cpu").path("architecture").asText()).isNotEmpty();
        assertThat(device.status().agentVersion()).isEqualTo(agent.configurationVersion());
        assertThat(agent.phase()).isEqualTo(Agent.Phase.RUNNING);
        assertThat(Files.getPosixFilePermissions(dir.resolve("agent/device-key.pem")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void collectedHardwareReadsAsUpstreamHardwareInfo() {
        HardwareInfo info = Json.convert(new HardwareInfoCollector().collect(), HardwareInfo.class);
        assertThat(info.cpu().architecture()).isNotEmpty();
        assertThat(info.hostname()).isNotEmpty();
        assertThat(info.memory().physicalBytes()).isPositive();
    }

    @Test
    void waitsForManualApprovalThenProceeds() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().autoApprove(false).build());
        agent = newAgent();
        agent.start();

        await(() -> !cp.controlPlane.enrolmentRequests().isEmpty());
        Thread.sleep(500);
        assertThat(agent.phase()).isEqualTo(Agent.Phase.ENROLLING);
        assertThat(cp.controlPlane.devices()).isEmpty();

        cp.controlPlane.approve("dev-1");
        await(() -> agent.phase() == Agent.Phase.RUNNING && agent.configurationVersion() != null);
    }

    @Test
    void registersRightAfterAnEnrolmentApprovedAsItWasRecorded() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().build());
        DeviceApi engine = api.get();
        AtomicInteger enrolments = new AtomicInteger();
        api.set(request -> {
            if (request.route() == Route.DATA_OUT
                    && new String(request.body(), StandardCharsets.UTF_8).contains("\"enrolment\"")) {
                enrolments.incrementAndGet();
            }
            return engine.handle(request);
        });
        BootstrapBundle bundle = new BootstrapBundle(URI.create("https://127.0.0.1:1"), cp.ca.trustAnchors(),
                new io.flotta.spi.transport.ClientIdentity(cp.registration.key(), cp.registration.chain()));
        // a backoff longer than the wait below: pairing must not go through one
        agent = Agent.builder().bootstrap(bundle).stateDirectory(dir.resolve("agent")).deviceId("dev-1")
                .transport(new InMemoryTransport(api::get)).runtime(runtime)
                .backoff(Duration.ofSeconds(30), Duration.ofSeconds(60)).build();
        agent.start();

        await(() -> agent.phase() == Agent.Phase.RUNNING);
        assertThat(enrolments.get()).isEqualTo(1);
        assertThat(cp.controlPlane.devices()).hasSize(1);
    }

    @Test
    void deploymentReachesTheRuntimeThroughTheLongPollAndIsRemovedAgain() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().build());
        agent = newAgent();
        agent.start();
        await(() -> agent.configurationVersion() != null);

        long t0 = System.nanoTime();
        cp.controlPlane.applyDeployment("default", "web", deployment("dev-1", "localhost/flotta/httpd:latest"));
        await(() -> runtime.workloads.containsKey("web"));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(millis).as("deployment to runtime, ms").isLessThan(2000);
        assertThat(runtime.workloads.get("web").deviceId()).isEqualTo("dev-1");
        assertThat(runtime.workloads.get("web").dataDirectory()).isEqualTo(dir.resolve("agent/data/web"));

        cp.controlPlane.deleteDeployment("default", "web");
        await(() -> runtime.workloads.isEmpty());
    }

    @Test
    void sendsOneRequestAtATimeSoItHoldsOneConnection() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(1)).build());
        DeviceApi engine = api.get();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        AtomicInteger longPolls = new AtomicInteger();
        api.set(request -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            if (request.route() == Route.DATA_IN && request.maxWait() != null && !request.maxWait().isZero()) {
                longPolls.incrementAndGet();
            }
            return engine.handle(request).whenComplete((r, e) -> inFlight.decrementAndGet());
        });
        agent = newAgent();
        agent.start();
        await(() -> agent.configurationVersion() != null && agent.heartbeatsAccepted() >= 1);

        cp.controlPlane.applyDeployment("default", "web", deployment("dev-1", "localhost/flotta/httpd:latest"));
        await(() -> runtime.workloads.containsKey("web"));
        long before = agent.heartbeatsAccepted();
        await(() -> agent.heartbeatsAccepted() >= before + 3);

        // heartbeats (every second) and control polls (every 200 ms) went between long polls
        assertThat(longPolls.get()).isPositive();
        assertThat(mostInFlight.get()).isEqualTo(1);
    }

    @Test
    void refusedWorkloadIsReportedFailedWithAnEventAndOthersRun() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(1)).build());
        agent = newAgent();
        agent.start();
        cp.controlPlane.applyDeployment("default", "good", deployment("dev-1", "localhost/flotta/httpd:latest"));
        cp.controlPlane.applyDeployment("default", "bad", deployment("dev-1", "refuse-me"));

        await(() -> cp.controlPlane.device("default", "dev-1").map(d -> d.status().workloads().stream()
                .anyMatch(w -> w.name().equals("bad") && w.phase().equals("Failed"))).orElse(false));
        assertThat(runtime.workloads).containsKey("good");
        await(() -> cp.controlPlane.device("default", "dev-1").get().status().events().stream()
                .anyMatch(e -> e.reason().equals("FailedToDeploy") && e.message().contains("refuse-me")));
    }

    @Test
    void renewsBeforeExpiryWithoutEverGettingA401() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().deviceCertificateValidity(Duration.ofSeconds(3))
                .heartbeatPeriod(Duration.ofSeconds(1)).build());
        agent = newAgent();
        agent.start();
        await(() -> agent.deviceCertificate().isPresent());
        var first = agent.deviceCertificate().get().getSerialNumber();

        await(() -> !agent.deviceCertificate().get().getSerialNumber().equals(first), Duration.ofSeconds(8));
        var second = agent.deviceCertificate().get().getSerialNumber();
        await(() -> !agent.deviceCertificate().get().getSerialNumber().equals(second), Duration.ofSeconds(8));
        assertThat(agent.unauthorizedAnswers()).isZero();
        assertThat(agent.heartbeatsAccepted()).isPositive();
    }

    @Test
    void reRegistersWhenItsStoredCertificateHasExpired() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().deviceCertificateValidity(Duration.ofSeconds(1)).build());
        agent = newAgent();
        agent.start();
        await(() -> agent.configurationVersion() != null);
        agent.close();
        Thread.sleep(1500);
        var expired = agent.deviceCertificate().get().getSerialNumber();

        cp.close();
        startControlPlane(ControlPlaneOptions.builder().deviceCertificateValidity(Duration.ofMinutes(5)).build());
        AtomicInteger registrations = countRegistrations();
        agent = newAgent();
        agent.start();
        await(() -> agent.deviceCertificate().isPresent()
                && !agent.deviceCertificate().get().getSerialNumber().equals(expired) && agent.heartbeatsAccepted() > 0);
        assertThat(agent.deviceId()).isEqualTo("dev-1");
        // every loop finds the certificate due at start; only one of them renews it
        Thread.sleep(300);
        assertThat(registrations.get()).isEqualTo(1);
    }

    /** Counts registration calls reaching the control plane from now on. */
    private AtomicInteger countRegistrations() {
        AtomicInteger count = new AtomicInteger();
        DeviceApi real = api.get();
        api.set(request -> {
            if (request.route() == Route.DATA_OUT && request.body() != null
                    && new String(request.body(), StandardCharsets.UTF_8).contains("\"directive\":\"registration\"")) {
                count.incrementAndGet();
            }
            return real.handle(request);
        });
        return count;
    }

    @Test
    void restartedWithoutControlPlaneReappliesWorkloadsFromDiskAndKeepsItsIdentity() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().build());
        agent = newAgent();
        agent.start();
        cp.controlPlane.applyDeployment("default", "web", deployment("dev-1", "localhost/flotta/httpd:latest"));
        await(() -> runtime.workloads.containsKey("web"));
        agent.close();

        api.set(null); // control plane unreachable
        runtime.workloads.clear();
        agent = newAgent();
        agent.start();
        await(() -> runtime.workloads.containsKey("web"));
        assertThat(agent.deviceId()).isEqualTo("dev-1");

        int changes = runtime.changes.get();
        api.set(cp.controlPlane.deviceApi()); // back: catches up, nothing re-created
        await(() -> agent.heartbeatsAccepted() > 0);
        assertThat(runtime.changes.get()).isEqualTo(changes);
        assertThat(cp.controlPlane.enrolmentRequests()).hasSize(1);
    }

    @Test
    void deletedDeviceDisconnectsRemovesWorkloadsAndWipesState() throws Exception {
        startControlPlane(ControlPlaneOptions.builder().build());
        agent = newAgent();
        agent.start();
        cp.controlPlane.applyDeployment("default", "web", deployment("dev-1", "localhost/flotta/httpd:latest"));
        await(() -> runtime.workloads.containsKey("web"));

        cp.controlPlane.deleteDevice("default", "dev-1");

        assertThat(agent.awaitStop(Duration.ofSeconds(10))).isTrue();
        assertThat(agent.phase()).isEqualTo(Agent.Phase.DISCONNECTED);
        assertThat(runtime.workloads).isEmpty();
        assertThat(dir.resolve("agent/device-key.pem")).doesNotExist();
        assertThat(dir.resolve("agent/configuration.json")).doesNotExist();
    }

    static DeploymentSpec deployment(String device, String image) {
        ObjectNode pod = JsonNodeFactory.instance.objectNode();
        ObjectNode c = pod.putObject("spec").putArray("containers").addObject();
        c.put("name", "main");
        c.put("image", image);
        return new DeploymentSpec(device, null, "pod", pod, null, null, null, null, null);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        await(condition, Duration.ofSeconds(10));
    }

    static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("condition not met within " + timeout);
    }
}
