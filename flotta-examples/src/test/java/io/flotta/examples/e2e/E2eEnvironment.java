package io.flotta.examples.e2e;

import static io.flotta.examples.testing.Polling.await;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.FirmwareAgent;
import io.flotta.examples.SampleWorkload;
import io.flotta.examples.cli.FlottaCli;
import io.flotta.examples.testing.ChildJvm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One test's system: the embedded control plane in this JVM (loopback, a free port, its data in a
 * temporary directory, real mTLS over the HTTP transport) and agents started as {@code flotta agent}
 * in child JVMs with a 32 MB heap and the {@code log} runtime. The control plane can be stopped and
 * started again on the same port and data, as after a crash or an upgrade. Closing kills every
 * child still running and stops the control plane.
 */
final class E2eEnvironment implements AutoCloseable {

    static final String NAMESPACE = "default";
    /** The agent JVM's options: the heap limit is part of what these tests prove. */
    static final List<String> AGENT_JVM = List.of("-Xmx32m",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    /** Short retries, so reconnecting after an outage or an approval takes a second or two. */
    static final int AGENT_MAX_BACKOFF_SECONDS = 2;

    private final Path directory;
    private final ControlPlaneOptions options;
    private final List<ChildJvm> children = new ArrayList<>();
    private final Path bundle;
    private final boolean grpc;
    private EmbeddedControlPlane embedded;
    private int port;
    private int grpcPort;

    E2eEnvironment(Path directory, ControlPlaneOptions options) {
        this(directory, options, false);
    }

    /** With {@code grpc}, the control plane also serves the gRPC transport and the bundle names both. */
    E2eEnvironment(Path directory, ControlPlaneOptions options, boolean grpc) {
        this.directory = directory;
        this.options = options;
        this.grpc = grpc;
        this.bundle = directory.resolve("bootstrap");
        startControlPlane();
        embedded.writeBootstrapBundle(bundle);
    }

    /** Options with a one-second heartbeat; tests change what they need. */
    static ControlPlaneOptions.Builder options() {
        return ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(1));
    }

    ControlPlane controlPlane() {
        if (embedded == null) {
            throw new IllegalStateException("the control plane is stopped");
        }
        return embedded.controlPlane();
    }

    Path directory() {
        return directory;
    }

    /** Starts the control plane: on a free port the first time, on the same port and data afterwards. */
    void startControlPlane() {
        if (embedded != null) {
            throw new IllegalStateException("the control plane is running");
        }
        EmbeddedControlPlane.Builder builder = EmbeddedControlPlane.builder()
                .dataDirectory(directory.resolve("control-plane")).port(port).options(options);
        if (grpc) {
            builder.grpcPort(grpcPort);
        }
        embedded = builder.start();
        port = embedded.port();
        grpcPort = embedded.grpcDeviceUrl().map(URI::getPort).orElse(0);
    }

    void stopControlPlane() {
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }

    /** The state directory an agent for {@code deviceId} uses in this environment. */
    Path stateDirectory(String deviceId) {
        return directory.resolve("agent-" + deviceId);
    }

    /** Starts {@code flotta agent} for {@code deviceId} with its state in {@link #stateDirectory}. */
    ChildJvm startAgent(String deviceId) {
        return startAgent(deviceId, true);
    }

    /**
     * Starts the agent; without {@code passDeviceId} it is not told its id and must find it in its
     * state directory (or fall back to the machine id).
     */
    ChildJvm startAgent(String deviceId, boolean passDeviceId) {
        return startAgent(deviceId, passDeviceId, null);
    }

    /** Starts the agent on {@code transport} ({@code flotta agent --transport}; null: the bundle's). */
    ChildJvm startAgent(String deviceId, boolean passDeviceId, String transport) {
        List<String> args = new ArrayList<>(List.of("agent", "--bundle", bundle.toString(),
                "--state-dir", stateDirectory(deviceId).toString(), "--runtime", "log",
                "--max-backoff-seconds", Integer.toString(AGENT_MAX_BACKOFF_SECONDS)));
        if (passDeviceId) {
            args.addAll(List.of("--device-id", deviceId));
        }
        if (transport != null) {
            args.addAll(List.of("--transport", transport));
        }
        ChildJvm agent = ChildJvm.start("agent-" + deviceId, AGENT_JVM, FlottaCli.class, args);
        children.add(agent);
        return agent;
    }

    /** Starts {@link FirmwareAgent} on this environment's bundle; its runtime is picked by system property. */
    ChildJvm startFirmwareAgent(String name) {
        List<String> jvm = new ArrayList<>(AGENT_JVM);
        jvm.add("-Dflotta.runtime=log");
        ChildJvm agent = ChildJvm.start(name, jvm, FirmwareAgent.class,
                List.of(bundle.toString(), stateDirectory(name).toString()));
        children.add(agent);
        return agent;
    }

    Optional<DeviceView> device(String deviceId) {
        return controlPlane().device(NAMESPACE, deviceId);
    }

    /** Waits until the control plane has a heartbeat of the device newer than {@code after}. */
    DeviceView awaitHeartbeat(String deviceId, Instant after, Duration timeout) {
        return await("a heartbeat of " + deviceId + " after " + after, timeout, () -> device(deviceId)
                .filter(d -> d.status().agentStatus() != null && d.lastSeen() != null && d.lastSeen().isAfter(after)));
    }

    /** A pod deployment for one named device. */
    static DeploymentSpec deploymentFor(String deviceId, String message) {
        return new DeploymentSpec(deviceId, null, "pod", SampleWorkload.pod(18080, message), null, null, null, null,
                null);
    }

    @Override
    public void close() {
        for (ChildJvm child : children) {
            child.close();
        }
        stopControlPlane();
    }
}
