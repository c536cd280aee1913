package io.flotta.examples.cli;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.controlplane.DeploymentView;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.SampleWorkload;
import io.flotta.storage.s3.S3ObjectStorage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flotta demo}: the whole system on this machine. The control plane runs in this process, an
 * agent in a child process; the agent pairs over mTLS, a sample workload is deployed to it and
 * answers on its host port, and the status of both is printed as tables.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a control plane and an agent on this machine and deploy a sample workload.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "Working directory (default: a new temporary one).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "8043", description = "Device API port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--runtime", defaultValue = "podman", description = "Agent runtime (default: ${DEFAULT-VALUE}; 'log' runs nothing).")
    String runtime;

    @Option(names = "--workload-port", defaultValue = "8088", description = "Host port of the sample workload (default: ${DEFAULT-VALUE}).")
    int workloadPort;

    @Option(names = "--keep-running", description = "Keep running after the demo until interrupted.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("flotta-demo-");
        step("Starting the control plane (data in " + dir + ")");
        ControlPlaneOptions options = ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(5)).build();
        try (EmbeddedControlPlane embedded = EmbeddedControlPlane.builder().dataDirectory(dir.resolve("control-plane"))
                .port(port).options(options).dataUploadInterval(Duration.ofSeconds(5)).start()) {
            ControlPlane cp = embedded.controlPlane();
            Path bundle = dir.resolve("bootstrap");
            embedded.writeBootstrapBundle(bundle);
            step("Serving devices at " + embedded.deviceUrl() + "; bootstrap bundle in " + bundle);
            embedded.objectStoreEndpoint().ifPresent(s3 -> step("S3 server for workload data at " + s3
                    + " (files under " + dir.resolve("control-plane").resolve("s3") + ")"));

            step("Starting an agent in its own process (runtime: " + runtime + ")");
            Process agent = startAgent(bundle, dir.resolve("agent"));
            try {
                DeviceView device = await("the device to register", Duration.ofSeconds(60),
                        () -> cp.devices().stream().findFirst());
                step("Device " + device.id() + " registered; waiting for heartbeats");
                await("two heartbeats", Duration.ofSeconds(30), () -> cp.device(device.namespace(), device.id())
                        .filter(d -> d.lastSeen() != null && d.lastSeen().isAfter(Instant.now().minusSeconds(6))
                                && d.status().agentStatus() != null));

                step("Deploying workload 'hello' (" + SampleWorkload.IMAGE + ", host port " + workloadPort
                        + ") to devices labelled device.hostname=" + device.labels().get("device.hostname"));
                cp.applyDeployment(device.namespace(), "hello",
                        SampleWorkload.deployment(device.labels(), workloadPort, "Hello from Flotta"));
                await("the workload to run", Duration.ofSeconds(120), () -> cp.device(device.namespace(), device.id())
                        .filter(d -> d.status().workloads().stream()
                                .anyMatch(w -> w.name().equals("hello") && w.phase().equals("Running"))));
                if (!"log".equals(runtime)) {
                    String answer = await("the workload to answer on 127.0.0.1:" + workloadPort, Duration.ofSeconds(30),
                            () -> get("http://127.0.0.1:" + workloadPort + "/"));
                    step("GET http://127.0.0.1:" + workloadPort + "/ -> " + answer.strip());
                    showUploadedData(cp, embedded, device);
                }
                printTables(cp);
                if (keepRunning) {
                    step("Running until interrupted (Ctrl-C)");
                    agent.waitFor();
                } else {
                    cp.deleteDeployment(device.namespace(), "hello");
                    await("the workload to be removed", Duration.ofSeconds(60), () -> cp.device(device.namespace(),
                            device.id()).filter(d -> d.status().workloads().isEmpty()));
                    step("Workload removed; demo complete");
                }
            } finally {
                agent.destroy();
                agent.waitFor();
            }
        }
        return 0;
    }

    /** Waits for the writer container's file to arrive in the device's bucket and prints it. */
    private static void showUploadedData(ControlPlane cp, EmbeddedControlPlane embedded, DeviceView device)
            throws InterruptedException {
        if (embedded.objectStorage().isEmpty()) {
            return;
        }
        S3ObjectStorage storage = embedded.objectStorage().get();
        String bucket = await("the device's bucket", Duration.ofSeconds(30), () -> cp.device(device.namespace(),
                device.id()).map(d -> d.status().storage()).filter(s -> s != null && s.hasNonNull("bucket_name"))
                .map(s -> s.path("bucket_name").asText()));
        String key = "hello/" + SampleWorkload.DATA_FILE;
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
                .filter(w -> w.name().equals("hello") && w.lastDataUpload() != null).findFirst()));
    }

    private Process startAgent(Path bundle, Path state) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
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
