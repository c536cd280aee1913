package io.flotta.examples.podman;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeviceEvent;
import io.flotta.core.model.DeviceWorkloadStatus;
import io.flotta.core.model.ModelJson;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.examples.testing.Polling;
import io.flotta.runtime.podman.PodmanRuntimeProvider;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of one device on real podman share: a control plane in this JVM (1 s
 * heartbeats) with its bootstrap bundle, the device's id and state directory, the workloads a test
 * deploys (removed from podman afterwards, through the device's own runtime), the checks on what
 * the device reports, and the output printed when a test fails. How the device runs (an agent
 * JVM, or a gateway that runs one) is the subclass's: its {@code @BeforeEach} calls
 * {@link #startControlPlane} and starts it, its {@code @AfterEach} stops it, and this class's
 * {@code @AfterEach}, which JUnit runs after the subclass's, removes the pods and the control plane.
 * Needs podman and the images of {@code scripts/setup-podman.sh}; fails (never skips) without them.
 */
abstract class PodmanDeviceTestBase {

    static final String NS = "default";

    @TempDir
    Path dir;

    @RegisterExtension
    final TestWatcher reportOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (ChildJvm started : processes()) {
                System.out.println("---- output of " + started + " (last " + outputLines + " lines) ----\n"
                        + started.tail(outputLines));
            }
            if (cp != null) {
                cp.device(NS, deviceId).ifPresent(d -> System.out.println("---- device status ----\n"
                        + ModelJson.write(d.status())));
            }
        }
    };

    private final String prefix;
    private final Duration wait;
    private final Duration pollInterval;
    private final int outputLines;
    private final List<String> deployed = new ArrayList<>();
    EmbeddedControlPlane embedded;
    ControlPlane cp;
    Path bundle;
    Path agentState;
    String run;
    String deviceId;

    /**
     * @param prefix       of the device id and the workload names, so a leftover says which test made it
     * @param wait         how long the checks wait
     * @param pollInterval how often they look (most probes run podman)
     * @param outputLines  how much of each process's output a failure prints
     */
    PodmanDeviceTestBase(String prefix, Duration wait, Duration pollInterval, int outputLines) {
        this.prefix = prefix;
        this.wait = wait;
        this.pollInterval = pollInterval;
        this.outputLines = outputLines;
    }

    /** Every process started for the device, in order: their output is printed when a test fails. */
    abstract List<ChildJvm> processes();

    @BeforeAll
    static void podmanIsReady() {
        Podman.requireReady();
    }

    /** The control plane, its bootstrap bundle in {@link #bundle}, and a device id unique to this run. */
    void startControlPlane() {
        run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        deviceId = prefix + "-device-" + run;
        embedded = EmbeddedControlPlane.builder().dataDirectory(dir.resolve("control-plane")).port(0)
                .options(ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(1)).build()).start();
        cp = embedded.controlPlane();
        bundle = dir.resolve("bootstrap");
        embedded.writeBootstrapBundle(bundle);
        agentState = dir.resolve("agent");
    }

    @AfterEach
    void removeOurPodsAndTheControlPlane() {
        if (agentState == null) {
            return; // the control plane did not start
        }
        // the runtime on the agent's directory owns exactly the agent's pods: it also closes their
        // host ports; a forced pod rm by name is the fallback
        try (WorkloadRuntime runtime = new PodmanRuntimeProvider().create(ProviderConfig.of(agentState.resolve("runtime")))) {
            for (String name : deployed) {
                try {
                    runtime.remove(name);
                } catch (RuntimeException e) {
                    System.out.println("cleanup of " + name + " through the runtime failed: " + e.getMessage());
                }
            }
        } finally {
            deployed.forEach(Podman::removePod);
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** A workload name unique to this run, whose pod is removed when the test ends. */
    String workload(String name) {
        String unique = prefix + "-" + name + "-" + run;
        deployed.add(unique);
        return unique;
    }

    DeviceView device() {
        return cp.device(NS, deviceId).orElseThrow(() -> new AssertionError("device " + deviceId + " is gone"));
    }

    /** The device after it registered and sent a heartbeat. */
    DeviceView awaitFirstHeartbeat(String how, Duration timeout) {
        return await("device " + deviceId + " to " + how + " and send a heartbeat", timeout,
                () -> cp.device(NS, deviceId).filter(d -> "up".equals(d.status().agentStatus())));
    }

    String phase(String workload) {
        return device().status().workloads().stream().filter(w -> w.name().equals(workload))
                .map(DeviceWorkloadStatus::phase).findFirst().orElse("(not placed)");
    }

    void awaitPhase(String workload, String phase) {
        await(workload + " to be " + phase + " in the control plane", () -> Optional.of(phase(workload)).filter(phase::equals));
    }

    /** The device's events about the workload (the agent prefixes their messages with its name). */
    List<DeviceEvent> events(String workload, String reason) {
        return device().status().events().stream()
                .filter(e -> e.reason().equals(reason) && e.message().startsWith(workload + ":"))
                .collect(Collectors.toList());
    }

    DeviceEvent awaitEvent(String workload, String reason) {
        return await("a " + reason + " event of " + workload + " in the device's status",
                () -> events(workload, reason).stream().reduce((a, b) -> b));
    }

    /** The page a workload serves on the host's port once it contains {@code expected}. */
    String awaitPage(int port, String expected) {
        return Podman.awaitPage(port, expected, wait, pollInterval);
    }

    <T> T await(String what, Supplier<Optional<T>> probe) {
        return await(what, wait, probe);
    }

    <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) {
        return Polling.await(what, timeout, pollInterval, probe);
    }
}
