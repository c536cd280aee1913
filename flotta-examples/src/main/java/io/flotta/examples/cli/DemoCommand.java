package io.flotta.examples.cli;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.controlplane.DeploymentView;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeviceEvent;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.SampleWorkload;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import io.flotta.storage.s3.S3ObjectStorage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flotta demo}: the whole system on this machine. The control plane runs in this process, an
 * agent in a child process; the agent pairs over mTLS, a sample workload is deployed to it and
 * answers on its host port, and the status of both is printed as tables. However it ends (done,
 * failed, interrupted), it stops the agent and leaves no pod of its own behind.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a control plane and an agent on this machine and deploy a sample workload.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "Working directory (default: a new temporary one).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "8043", description = "Device API port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--admin-port", defaultValue = "8044", description = "Admin API port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--runtime", defaultValue = "podman", description = "Agent runtime (default: ${DEFAULT-VALUE}; 'log' runs nothing).")
    String runtime;

    @Option(names = "--workload-port", defaultValue = "8088", description = "Host port of the sample workload (default: ${DEFAULT-VALUE}).")
    int workloadPort;

    @Option(names = "--workload-name", defaultValue = "hello", description = "Name of the sample workload and its pod (default: ${DEFAULT-VALUE}).")
    String workloadName;

    @Option(names = "--keep-running", description = "Keep running after the demo until interrupted.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        Optional<String> busy = busyPort(port, "the control plane's device API", "--port");
        if (busy.isEmpty()) {
            busy = busyPort(adminPort, "the control plane's admin API", "--admin-port");
        }
        if (busy.isEmpty() && !"log".equals(runtime)) {
            busy = busyPort(workloadPort, "the sample workload's host port", "--workload-port");
        }
        if (busy.isPresent()) {
            System.err.println("flotta demo: " + busy.get());
            return 2;
        }
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("flotta-demo-");
        step("Starting the control plane (data in " + dir + ")");
        ControlPlaneOptions options = ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(5)).build();
        try (EmbeddedControlPlane embedded = EmbeddedControlPlane.builder().dataDirectory(dir.resolve("control-plane"))
                .port(port).adminPort(adminPort).options(options).dataUploadInterval(Duration.ofSeconds(5)).start()) {
            ControlPlane cp = embedded.controlPlane();
            Path adminDir = dir.resolve("control-plane");
            embedded.writeAdminCredentials(adminDir);
            Path bundle = dir.resolve("bootstrap");
            embedded.writeBootstrapBundle(bundle);
            step("Serving devices at " + embedded.deviceUrl() + "; bootstrap bundle in " + bundle);
            embedded.objectStoreEndpoint().ifPresent(s3 -> step("S3 server for workload data at " + s3
                    + " (files under " + dir.resolve("control-plane").resolve("s3") + ")"));

            step("Starting an agent in its own process (runtime: " + runtime + ")");
            Path agentState = dir.resolve("agent");
            Process agent = startAgent(bundle, agentState);
            // Ctrl-C or a kill ends this JVM without running finally blocks: the hook still cleans up
            Thread cleanUp = new Thread(() -> stopAgentAndRemoveWorkload(agent, agentState), "flotta-demo-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanUp);
            try {
                DeviceView device = await("the device to register", Duration.ofSeconds(60),
                        () -> cp.devices().stream().findFirst());
                step("Device " + device.id() + " registered; waiting for heartbeats");
                await("two heartbeats", Duration.ofSeconds(30), () -> cp.device(device.namespace(), device.id())
                        .filter(d -> d.lastSeen() != null && d.lastSeen().isAfter(Instant.now().minusSeconds(6))
                                && d.status().agentStatus() != null));

                step("Deploying workload '" + workloadName + "' (" + SampleWorkload.IMAGE + ", host port " + workloadPort
                        + ") to devices labelled device.hostname=" + device.labels().get("device.hostname"));
                cp.applyDeployment(device.namespace(), workloadName,
                        SampleWorkload.deployment(device.labels(), workloadPort, "Hello from Flotta"));
                await("the workload to run", Duration.ofSeconds(120), () -> cp.device(device.namespace(), device.id())
                        .filter(d -> d.status().workloads().stream()
                                .anyMatch(w -> w.name().equals(workloadName) && w.phase().equals("Running"))));
                if (!"log".equals(runtime)) {
                    String answer = await("the workload to answer on 127.0.0.1:" + workloadPort, Duration.ofSeconds(30),
                            () -> get("http://127.0.0.1:" + workloadPort + "/"));
                    step("GET http://127.0.0.1:" + workloadPort + "/ -> " + answer.strip());
                    showUploadedData(cp, embedded, device);
                }
                printTables(cp);
                if (keepRunning) {
                    step("Running until interrupted (Ctrl-C). In another terminal, try:");
                    System.out.println("      flotta get devices --admin-dir " + adminDir);
                    System.out.println("      flotta get deployments -o yaml --admin-dir " + adminDir);
                    System.out.println("      curl -s --cacert " + adminDir.resolve("ca.pem") + " " + embedded.adminUrl().orElseThrow()
                            + "/metrics | grep ^flotta_");
                    System.out.println("    (or export FLOTTA_ADMIN_DIR=" + adminDir + " once)");
                    agent.waitFor();
                } else {
                    cp.deleteDeployment(device.namespace(), workloadName);
                    // the control plane drops the workload from the device's status at once; the
                    // agent's Removed event says the pod is really gone
                    await("the agent to remove the workload", Duration.ofSeconds(60), () -> cp.device(device.namespace(),
                            device.id()).filter(d -> d.status().events().stream().anyMatch(this::isRemoval)));
                    step("Workload removed; demo complete");
                }
            } finally {
                stopAgentAndRemoveWorkload(agent, agentState);
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanUp);
                } catch (IllegalStateException e) {
                    // already shutting down: the hook runs anyway
                }
            }
        }
        return 0;
    }

    /** Waits for the writer container's file to arrive in the device's bucket and prints it. */
    private void showUploadedData(ControlPlane cp, EmbeddedControlPlane embedded, DeviceView device)
            throws InterruptedException {
        if (embedded.objectStorage().isEmpty()) {
            return;
        }
        S3ObjectStorage storage = embedded.objectStorage().get();
        String bucket = await("the device's bucket", Duration.ofSeconds(30), () -> cp.device(device.namespace(),
                device.id()).map(d -> d.status().storage()).filter(s -> s != null && s.hasNonNull("bucket_name"))
                .map(s -> s.path("bucket_name").asText()));
        String key = workloadName + "/" + SampleWorkload.DATA_FILE;
        byte[] content = await("s3://" + bucket + "/" + key, Duration.ofSeconds(60), () -> {
            try {
                return Optional.of(storage.read(bucket, key));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
        step("The workload wrote /export/" + SampleWorkload.DATA_FILE + "; the agent uploaded it: s3://" + bucket
                + "/" + key + " -> " + new String(content, StandardCharsets.UTF_8).strip());
        await("last_data_upload in a heartbeat", Duration.ofSeconds(30), () -> cp.device(device.namespace(),
                device.id()).flatMap(d -> d.status().workloads().stream()
                .filter(w -> w.name().equals(workloadName) && w.lastDataUpload() != null).findFirst()));
    }

    private boolean isRemoval(DeviceEvent event) {
        return "Removed".equals(event.reason()) && event.message().startsWith(workloadName + ":");
    }

    /** Why the port cannot be used, naming it and the option that changes it; empty when it is free (or 0). */
    static Optional<String> busyPort(int port, String what, String option) {
        if (port == 0) {
            return Optional.empty();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("port " + port + " on 127.0.0.1 (" + what + ") is already in use: stop what holds it, or "
                    + "choose another port with " + option);
        }
    }

    /**
     * Stops the agent, then removes the sample workload's pod if it is still there (the demo failed
     * or was interrupted before the agent removed it). Safe to run twice. The runtime opened on the
     * agent's runtime directory owns exactly the pods that agent made, so nobody else's are touched.
     */
    private synchronized void stopAgentAndRemoveWorkload(Process agent, Path agentState) {
        agent.destroy();
        try {
            if (!agent.waitFor(15, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
                agent.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            agent.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if ("log".equals(runtime)) {
            return;
        }
        try (WorkloadRuntime workloads = ProviderRegistry.discover(WorkloadRuntimeProvider.class)
                .selectConfigured(runtime).create(ProviderConfig.of(agentState.resolve("runtime")))) {
            boolean left = workloads.list().stream().anyMatch(w -> w.name().equals(workloadName));
            // also when no pod is left: its host-port rule may be
            workloads.remove(workloadName);
            if (left) {
                step("Removed the pod of workload '" + workloadName + "' that the agent left running");
            }
        } catch (FlottaException e) {
            System.err.println("flotta demo: could not remove the pod of workload '" + workloadName + "': "
                    + e.getMessage() + " (remove it with: podman pod rm -f " + workloadName + ")");
        }
    }

    private Process startAgent(Path bundle, Path state) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx32m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                FlottaCli.class.getName(), "agent", "--bundle", bundle.toString(), "--state-dir", state.toString(),
                "--runtime", runtime));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(l -> System.out.println("  [agent] " + l));
            } catch (IOException | java.io.UncheckedIOException e) {
                // the agent ended
            }
        }, "demo-agent-output");
        pump.setDaemon(true);
        pump.start();
        return p;
    }

    static void printTables(ControlPlane cp) {
        System.out.println();
        System.out.printf("%-38s %-8s %-10s %s%n", "DEVICE", "STATE", "LAST SEEN", "WORKLOADS");
        for (DeviceView d : cp.devices()) {
            String workloads = d.status().workloads().stream().map(w -> w.name() + "=" + w.phase()
                            + (w.lastDataUpload() == null ? "" : " (data uploaded "
                            + Duration.between(w.lastDataUpload(), Instant.now()).toSeconds() + "s ago)"))
                    .collect(Collectors.joining(","));
            String seen = d.lastSeen() == null ? "-" : Duration.between(d.lastSeen(), Instant.now()).toSeconds() + "s ago";
            System.out.printf("%-38s %-8s %-10s %s%n", d.id(), d.status().state(), seen,
                    workloads.isEmpty() ? "-" : workloads);
        }
        System.out.println();
        System.out.printf("%-20s %-10s %s%n", "DEPLOYMENT", "NAMESPACE", "DEVICES BY PHASE");
        for (DeploymentView v : cp.deployments()) {
            System.out.printf("%-20s %-10s %s%n", v.name(), v.namespace(), v.phases());
        }
        System.out.println();
    }

    private static Optional<String> get(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }

    private static void step(String message) {
        System.out.println("==> " + message);
    }
}
