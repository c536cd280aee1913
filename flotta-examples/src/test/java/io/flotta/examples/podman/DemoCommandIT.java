package io.flotta.examples.podman;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.examples.cli.FlottaCli;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.runtime.podman.PodmanRuntimeProvider;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flotta demo} on real podman: it serves the sample page and, however it ends, leaves no pod behind. */
class DemoCommandIT {

    @TempDir
    Path dir;

    /** The demo starts a control plane, an agent JVM and a pod on a loaded machine. */
    private static final Duration RUNNING_TIMEOUT = Duration.ofMinutes(3);

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
    void anInterruptedDemoStopsItsAgentAndLeavesNoPod() {
        int port = Podman.freePort();
        List<ProcessHandle> children;
        try (ChildJvm demo = ChildJvm.start("demo", List.of("-Xmx128m"), FlottaCli.class, List.of("demo",
                "--keep-running", "--port", "0", "--admin-port", "0", "--workload-port", Integer.toString(port),
                "--workload-name", name, "--data-dir", dir.toString()))) {
            // fails naming the demo's state if the running state does not come
            demo.awaitLine(Pattern.compile("Running until interrupted"), RUNNING_TIMEOUT);
            assertThat(Podman.podId(name)).as("the pod runs").isPresent();
            // what the demo tells the user to try in another terminal
            Path adminDir = dir.resolve("control-plane");
            demo.awaitLine(Pattern.compile(Pattern.quote("flotta get devices --admin-dir " + adminDir)),
                    Duration.ofSeconds(10));
            java.io.StringWriter table = new java.io.StringWriter();
            CommandLine get = FlottaCli.commandLine();
            get.setOut(new java.io.PrintWriter(table, true));
            assertThat(get.execute("get", "devices", "--admin-dir", adminDir.toString())).isZero();
            assertThat(table.toString()).as("flotta get devices against the demo").containsPattern(
                    "\\sOnline\\s+\\d+s\\s+" + name + "\\(Running\\)");
            children = demo.handle().descendants().toList();
            assertThat(children).as("the agent runs as a child of the demo").isNotEmpty();

            // SIGTERM, as kill or a service manager sends it
            assertThat(demo.handle().destroy()).isTrue();
            demo.awaitExit(Duration.ofSeconds(60));
            String output = demo.tail(Integer.MAX_VALUE);
            assertThat(Podman.podId(name)).as("the interrupted demo removed its pod; output:%n%s", output).isEmpty();
            assertThat(demo.linesMatching(Pattern.compile(Pattern.quote("Removed the pod of workload '" + name + "'"))))
                    .as("output:%n%s", output).isNotEmpty();
        }
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
