package io.flotta.examples.podman;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.examples.cli.FlottaCli;
import io.flotta.runtime.podman.PodmanRuntimeProvider;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flotta demo} on real podman: it serves the sample page and, however it ends, leaves no pod behind. */
class DemoCommandIT {

    @TempDir
    Path dir;

    private final String name = "e2e-demo-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));

    @BeforeAll
    static void podmanIsReady() {
        Podman.requireReady();
    }

    @AfterEach
    void removeOurPod() {
        // the runtime on the demo agent's directory also closes the pod's host port; pod rm is the fallback
        try (WorkloadRuntime runtime = new PodmanRuntimeProvider().create(
                ProviderConfig.of(dir.resolve("agent").resolve("runtime")))) {
            runtime.remove(name);
        } catch (RuntimeException e) {
            System.out.println("cleanup of " + name + " through the runtime failed: " + e.getMessage());
        } finally {
            Podman.removePod(name);
        }
    }

    @Test
    void theDemoServesTheSamplePageAndRemovesItsPod() {
        int port = Podman.freePort();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new FlottaCli()).execute("demo", "--port", "0", "--admin-port", "0", "--workload-port", Integer.toString(port),
                    "--workload-name", name, "--data-dir", dir.toString());
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);

        assertThat(exit).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("GET http://127.0.0.1:" + port + "/ -> MESSAGE=Hello from Flotta")
                .contains(name + "=Running").contains("Workload removed; demo complete");
        assertThat(Podman.podId(name)).as("the demo's pod is gone").isEmpty();
        assertThat(Podman.listening(port)).isFalse();
        if (Podman.nftPresent()) {
            assertThat(Podman.nftTable()).doesNotContain("flotta workload " + name + "\"");
        }
    }

    @Test
    void anInterruptedDemoStopsItsAgentAndLeavesNoPod() throws Exception {
        int port = Podman.freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process demo = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                FlottaCli.class.getName(), "demo", "--keep-running", "--port", "0", "--admin-port", "0", "--workload-port", Integer.toString(port),
                "--workload-name", name, "--data-dir", dir.toString()).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        List<ProcessHandle> children = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (line.contains("Running until interrupted")) {
                    break;
                }
            }
            assertThat(output).as("the demo reached its running state").anyMatch(l -> l.contains("Running until interrupted"));
            assertThat(Podman.podId(name)).as("the pod runs").isPresent();
            // what the demo tells the user to try in another terminal
            for (int i = 0; i < 4 && (line = lines.readLine()) != null; i++) {
                output.add(line);
            }
            Path adminDir = dir.resolve("control-plane");
            assertThat(output).anyMatch(l -> l.contains("flotta get devices --admin-dir " + adminDir));
            java.io.StringWriter table = new java.io.StringWriter();
            CommandLine get = FlottaCli.commandLine();
            get.setOut(new java.io.PrintWriter(table, true));
            assertThat(get.execute("get", "devices", "--admin-dir", adminDir.toString())).isZero();
            assertThat(table.toString()).as("flotta get devices against the demo").containsPattern(
                    "\\sOnline\\s+\\d+s\\s+" + name + "\\(Running\\)");
            demo.descendants().forEach(children::add);
            assertThat(children).as("the agent runs as a child of the demo").isNotEmpty();

            // SIGTERM, as kill or a service manager sends it (through the handle: Process.destroy closes our pipe)
            assertThat(demo.toHandle().destroy()).isTrue();
            while ((line = lines.readLine()) != null) {
                output.add(line);
            }
        }
        assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Podman.podId(name)).as("the interrupted demo removed its pod; output:%n%s", String.join("\n", output))
                .isEmpty();
        assertThat(output).anyMatch(l -> l.contains("Removed the pod of workload '" + name + "'"));
        if (Podman.nftPresent()) {
            assertThat(Podman.nftTable()).as("its host port is closed").doesNotContain("flotta workload " + name + "\"");
        }
        assertThat(children).as("no agent is left running").noneMatch(ProcessHandle::isAlive);
    }

    /** Writes to the console and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
