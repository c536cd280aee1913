package io.flotta.runtime.podman;

import io.flotta.runtime.podman.internal.HostPort;
import io.flotta.runtime.podman.internal.PodmanWorkloadRuntime;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadEvent;
import io.flotta.spi.runtime.WorkloadPhase;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs real pods on the machine's podman. Needs podman and the local images that
 * {@code scripts/setup-podman.sh} builds; fails (never skips) without them.
 */
class PodmanWorkloadRuntimeIT {

    private static final String HTTPD = "localhost/flotta/httpd:latest";
    private static final String BUSYBOX = "localhost/flotta/busybox:latest";
    private static final String DEVICE = "dev-it-1";

    @TempDir
    Path directory;

    private WorkloadRuntime runtime;
    private final Set<String> workloads = new LinkedHashSet<>();
    private final List<String> foreignPods = new ArrayList<>();

    @BeforeAll
    static void podmanAndImagesArePresent() {
        Exec version = exec("version", "--format", "{{.Client.Version}}");
        assertThat(version.rc).as("podman must be installed and working (run scripts/setup-podman.sh): %s", version.err).isZero();
        for (String image : List.of(HTTPD, BUSYBOX)) {
            assertThat(exec("image", "exists", image).rc)
                    .as("image %s must exist (run scripts/setup-podman.sh)", image).isZero();
        }
    }

    @BeforeEach
    void createRuntime() {
        runtime = new PodmanRuntimeProvider().create(new ProviderConfig(directory,
                Map.of(PodmanRuntimeProvider.STOP_TIMEOUT, "2")));
    }

    @AfterEach
    void cleanUp() {
        for (String name : workloads) {
            try {
                runtime.remove(name);
            } catch (RuntimeException e) {
                exec("pod", "rm", "--force", "--ignore", name);
            }
        }
        for (String pod : foreignPods) {
            exec("pod", "rm", "--force", "--ignore", pod);
        }
        runtime.close();
    }

    @Test
    void servesOnItsHostPortAndIsReplacedOnlyWhenChanged() throws Exception {
        String name = uniqueName("web");
        int port = freePort();
        BlockingQueue<WorkloadEvent> events = new LinkedBlockingQueue<>();
        try (AutoCloseable watch = runtime.watch(events::add)) {
            long t0 = System.nanoTime();
            runtime.apply(httpd(name, port, "one").build());
            long applied = System.nanoTime();
            String firstId = podId(name);

            assertThat(httpGet(port, body -> body.contains("MESSAGE=one")))
                    .contains("MESSAGE=one").contains("DEVICE_ID=" + DEVICE);
            assertThat(((PodmanWorkloadRuntime) runtime).hostPorts().opened(name))
                    .containsExactly(new HostPort("tcp", port, "127.0.0.1"));
            assertThat(exec0("nft", "list", "chain", "inet", "flotta", "input"))
                    .contains("tcp dport " + port).contains("comment \"flotta workload " + name + "\"");
            assertThat(status(name).phase()).isEqualTo(WorkloadPhase.RUNNING);

            long t1 = System.nanoTime();
            runtime.apply(httpd(name, port, "one").build());
            long unchanged = System.nanoTime();
            assertThat(podId(name)).as("an unchanged workload keeps its pod").isEqualTo(firstId);

            long t2 = System.nanoTime();
            runtime.apply(httpd(name, port, "two").build());
            long replaced = System.nanoTime();
            assertThat(podId(name)).as("a changed workload gets a new pod").isNotEqualTo(firstId);
            assertThat(httpGet(port, body -> body.contains("MESSAGE=two"))).contains("MESSAGE=two");

            awaitEvent(events, name, "Stopped");
            assertThat(events).noneMatch(e -> e.workload().equals(name) && e.reason().equals("Died"));

            long t3 = System.nanoTime();
            runtime.remove(name);
            long removed = System.nanoTime();
            assertThat(exec("pod", "exists", name).rc).as("pod removed").isEqualTo(1);
            assertThat(((PodmanWorkloadRuntime) runtime).hostPorts().opened(name)).isEmpty();
            assertThat(exec0("nft", "list", "chain", "inet", "flotta", "input")).doesNotContain("flotta workload " + name);
            assertThat(runtime.list()).noneMatch(s -> s.name().equals(name));
            runtime.remove(name);

            System.out.printf("podman runtime: apply new %d ms, apply unchanged %d ms, replace %d ms, remove %d ms%n",
                    ms(t0, applied), ms(t1, unchanged), ms(t2, replaced), ms(t3, removed));
        }
    }

    @Test
    void everyContainerSeesDeviceIdExportConfigMapsAndSecrets() throws Exception {
        String name = uniqueName("data");
        Path data = directory.resolve("data-" + name);
        String writer = "trap 'exit 0' TERM; "
                + "echo \"$DEVICE_ID\" > /export/$ROLE-device-id; "
                + "echo \"$GREETING\" > /export/$ROLE-cm-env; "
                + "echo \"$PASSWORD\" > /export/$ROLE-secret-env; "
                + "cat /cfg/greeting > /export/$ROLE-cm-file; "
                + "cat /creds/pw > /export/$ROLE-secret-file; "
                + "echo done > /export/$ROLE-done; sleep 600 & wait";
        String container = String.join("\n",
                "- name: %s",
                "  image: " + BUSYBOX,
                "  command: [\"/bin/sh\", \"-c\", \"" + writer.replace("\"", "\\\"") + "\"]",
                "  env:",
                "  - {name: ROLE, value: %s}",
                "  - name: GREETING",
                "    valueFrom:",
                "      configMapKeyRef: {name: settings, key: greeting}",
                "  - name: PASSWORD",
                "    valueFrom:",
                "      secretKeyRef: {name: db, key: password}",
                "  volumeMounts:",
                "  - {name: cfg, mountPath: /cfg}",
                "  - {name: creds, mountPath: /creds}",
                "");
        String spec = "containers:\n" + String.format(container, "first", "first") + String.format(container, "second", "second")
                + "volumes:\n"
                + "- name: cfg\n  configMap: {name: settings}\n"
                + "- name: creds\n  secret:\n    secretName: db\n    items: [{key: password, path: pw}]\n";
        runtime.apply(new TestWorkload().name(name).deviceId(DEVICE).spec(spec).dataDirectory(data)
                .configMaps(List.of("kind: ConfigMap\nmetadata: {name: settings}\ndata: {greeting: hello}\n"))
                .secrets(List.of("kind: Secret\nmetadata: {name: db}\ndata: {password: czNjcjN0}\n"))
                .build());
        workloads.add(name);

        for (String role : List.of("first", "second")) {
            awaitFile(data.resolve(role + "-done"));
            assertThat(read(data.resolve(role + "-device-id"))).isEqualTo(DEVICE);
            assertThat(read(data.resolve(role + "-cm-env"))).isEqualTo("hello");
            assertThat(read(data.resolve(role + "-cm-file"))).isEqualTo("hello");
            assertThat(read(data.resolve(role + "-secret-env"))).isEqualTo("s3cr3t");
            assertThat(read(data.resolve(role + "-secret-file"))).isEqualTo("s3cr3t");
        }
        assertThat(exec0("secret", "ls", "--format", "{{.Name}}")).contains("flotta_" + name + "_db");

        runtime.remove(name);
        assertThat(exec0("secret", "ls", "--format", "{{.Name}}")).doesNotContain("flotta_" + name + "_");
        assertThat(data.resolve("first-done")).as("the data directory outlives the workload").exists();
    }

    @Test
    void invalidWorkloadsAreRefusedWithTheReasonAndLeaveOthersAlone() {
        String good = uniqueName("good");
        runtime.apply(sleeper(good, "Always").build());
        String goodId = podId(good);

        String badYaml = uniqueName("bad-yaml");
        assertInvalid(new TestWorkload().name(badYaml).spec("containers: [\n  - name: x\n    image: [\n"),
                "not valid YAML");

        String unknownImage = uniqueName("bad-image");
        assertInvalid(new TestWorkload().name(unknownImage).spec(
                "containers:\n- name: c\n  image: localhost/flotta/no-such-image:1\n  imagePullPolicy: Never\n"),
                "image not known");
        assertThat(exec("pod", "exists", unknownImage).rc).as("no half-made pod is left behind").isEqualTo(1);

        String missingSecret = uniqueName("bad-secret");
        assertInvalid(new TestWorkload().name(missingSecret).spec("containers:\n- name: c\n  image: " + BUSYBOX
                + "\n  env:\n  - name: X\n    valueFrom:\n      secretKeyRef: {name: absent, key: k}\n"), "Secret 'absent'");

        List<WorkloadStatus> statuses = runtime.list();
        assertThat(statuses).filteredOn(s -> s.name().equals(unknownImage)).singleElement().satisfies(s -> {
            assertThat(s.phase()).isEqualTo(WorkloadPhase.FAILED);
            assertThat(s.message()).contains("image not known");
        });
        assertThat(statuses).filteredOn(s -> s.name().equals(good)).singleElement()
                .satisfies(s -> assertThat(s.phase()).isEqualTo(WorkloadPhase.RUNNING));
        assertThat(podId(good)).isEqualTo(goodId);

        runtime.remove(unknownImage);
        assertThat(runtime.list()).noneMatch(s -> s.name().equals(unknownImage));
    }

    @Test
    void anUpdateWhoseImageCannotBePulledKeepsTheRunningVersion() {
        String name = uniqueName("keep");
        runtime.apply(sleeper(name, "Always").build());
        String id = podId(name);

        // nothing listens on port 1: the pull fails at once (podman retries three times, ~3 s)
        String unreachable = sleeper(name, "Always").build().specification()
                .replace(BUSYBOX, "127.0.0.1:1/flotta/busybox:2");
        assertThatThrownBy(() -> runtime.apply(new TestWorkload().name(name).deviceId(DEVICE).spec(unreachable).build()))
                .isInstanceOfSatisfying(FlottaException.class, e -> {
                    assertThat(e.code()).as("an unreachable registry is worth retrying").isEqualTo(FlottaException.Code.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("cannot be pulled").contains("connection refused");
                });
        assertThat(podId(name)).isEqualTo(id);
        assertThat(status(name).phase()).isEqualTo(WorkloadPhase.RUNNING);
        assertThat(status(name).message()).contains("last apply failed");
    }

    @Test
    void podsNotCreatedByFlottaAreNeverListedOrTouched() {
        String foreign = uniqueName("foreign");
        foreignPods.add(foreign);
        exec0("pod", "create", "--name", foreign, "--label", "app=someone-else");
        String id = podId(foreign);

        assertThat(runtime.list()).noneMatch(s -> s.name().equals(foreign));
        runtime.remove(foreign);
        assertThat(podId(foreign)).isEqualTo(id);
        assertInvalid(sleeper(foreign, "Always"), "Flotta did not create");
        assertThat(podId(foreign)).isEqualTo(id);
        assertThat(runtime.list()).filteredOn(s -> s.name().equals(foreign))
                .allSatisfy(s -> assertThat(s.phase()).isEqualTo(WorkloadPhase.FAILED));
    }

    @Test
    void aRuntimeSeesOnlyThePodsMadeWithItsDirectory() throws IOException {
        String name = uniqueName("owned");
        runtime.apply(sleeper(name, "Always").build());
        String id = podId(name);

        Path otherDirectory = Files.createDirectory(directory.resolve("other-agent"));
        try (WorkloadRuntime other = new PodmanRuntimeProvider().create(ProviderConfig.of(otherDirectory))) {
            assertThat(other.list()).noneMatch(s -> s.name().equals(name));
            other.remove(name);
            assertThat(podId(name)).as("another runtime's remove leaves the pod").isEqualTo(id);
            assertThatThrownBy(() -> other.apply(sleeper(name, "Never").build()))
                    .hasMessageContaining("another Flotta runtime");
            assertThat(podId(name)).isEqualTo(id);
        }
        try (WorkloadRuntime restarted = new PodmanRuntimeProvider().create(new ProviderConfig(directory,
                Map.of(PodmanRuntimeProvider.STOP_TIMEOUT, "2")))) {
            assertThat(restarted.list()).filteredOn(s -> s.name().equals(name)).singleElement()
                    .satisfies(s -> assertThat(s.phase()).isEqualTo(WorkloadPhase.RUNNING));
            restarted.apply(sleeper(name, "Always").build());
            assertThat(podId(name)).as("the same directory adopts the pod unchanged").isEqualTo(id);
        }
    }

    @Test
    void aKilledContainerIsReportedThroughWatch() throws Exception {
        String name = uniqueName("victim");
        BlockingQueue<WorkloadEvent> events = new LinkedBlockingQueue<>();
        try (AutoCloseable watch = runtime.watch(events::add)) {
            runtime.apply(sleeper(name, "Never").build());
            awaitEvent(events, name, "Started");

            exec0("kill", "--signal", "KILL", name + "-main");
            WorkloadEvent died = awaitEvent(events, name, "Died");
            assertThat(died.warning()).isTrue();
            assertThat(died.message()).contains("main").contains("137");
            awaitPhase(name, WorkloadPhase.EXITED);
        }
    }

    // ---- workloads -------------------------------------------------------------------------------

    private TestWorkload httpd(String name, int port, String message) {
        workloads.add(name);
        return new TestWorkload().name(name).deviceId(DEVICE).dataDirectory(directory.resolve("data-" + name)).spec(String.join("\n",
                "containers:",
                "- name: web",
                "  image: " + HTTPD,
                "  env:",
                "  - {name: MESSAGE, value: " + message + "}",
                "  - {name: PORT, value: \"8080\"}",
                "  ports:",
                "  - {containerPort: 8080, hostPort: " + port + ", hostIP: 127.0.0.1}",
                ""));
    }

    private TestWorkload sleeper(String name, String restartPolicy) {
        workloads.add(name);
        return new TestWorkload().name(name).deviceId(DEVICE).dataDirectory(directory.resolve("data-" + name)).spec(String.join("\n",
                "restartPolicy: " + restartPolicy,
                "containers:",
                "- name: main",
                "  image: " + BUSYBOX,
                "  command: [\"/bin/sh\", \"-c\", \"trap 'exit 0' TERM; sleep 600 & wait\"]",
                ""));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void assertInvalid(TestWorkload workload, String reason) {
        assertThatThrownBy(() -> runtime.apply(workload.build()))
                .isInstanceOfSatisfying(FlottaException.class,
                        e -> assertThat(e.code()).isEqualTo(FlottaException.Code.INVALID_ARGUMENT))
                .hasMessageContaining(reason);
    }

    private WorkloadStatus status(String name) {
        return runtime.list().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("workload " + name + " is not listed"));
    }

    private void awaitPhase(String name, WorkloadPhase phase) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        WorkloadStatus last = null;
        while (System.nanoTime() < deadline) {
            last = status(name);
            if (last.phase() == phase) {
                return;
            }
            Thread.sleep(100);
        }
        fail("workload %s did not reach %s; last status %s", name, phase, last);
    }

    private static WorkloadEvent awaitEvent(BlockingQueue<WorkloadEvent> events, String workload, String reason)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<WorkloadEvent> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            WorkloadEvent event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event == null) {
                continue;
            }
            seen.add(event);
            if (event.workload().equals(workload) && event.reason().equals(reason)) {
                return event;
            }
        }
        throw new AssertionError("no " + reason + " event for " + workload + "; saw " + seen);
    }

    private static String httpGet(int port, Predicate<String> ready) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200 && ready.test(response.body())) {
                    return response.body();
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("127.0.0.1:" + port + " did not serve the expected page; last: " + last);
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                fail("%s did not appear", file);
            }
            Thread.sleep(100);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file).strip();
    }

    private static String podId(String name) {
        return exec0("pod", "inspect", "--format", "{{.Id}}", name).strip();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String uniqueName(String prefix) {
        return "it-" + prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    }

    private static long ms(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    private record Exec(int rc, String out, String err) {
    }

    /** Runs podman (or, when the first argument is {@code nft}, nft) and returns what it printed. */
    private static Exec exec(String... args) {
        List<String> command = new ArrayList<>();
        if (!args[0].equals("nft")) {
            command.add("podman");
        }
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] err = process.getErrorStream().readAllBytes();
            byte[] out = process.getInputStream().readAllBytes();
            return new Exec(process.waitFor(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " cannot be run (run scripts/setup-podman.sh): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String exec0(String... args) {
        Exec result = exec(args);
        assertThat(result.rc).as("%s failed: %s", String.join(" ", args), result.err).isZero();
        return result.out;
    }
}
