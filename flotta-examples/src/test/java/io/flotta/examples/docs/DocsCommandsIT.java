package io.flotta.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.model.ModelJson;
import io.flotta.examples.cli.AgentCommand;
import io.flotta.examples.cli.FlottaCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the walkthrough of docs/cli.md as written: the shell block after
 * {@code <!-- run: DocsCommandsIT -->}, line by line with {@code bash}, in an empty directory where
 * {@code scripts/flotta} runs {@link FlottaCli} from this test's class path (the server on free
 * ports, so that nothing on this machine is in the way) and {@code docs/} is a copy of the repository's.
 * A line ending in {@code &} is started in the background, {@code kill %N} stops the N-th of those;
 * every other line must exit 0 within its time, and what each {@code flotta} command prints is
 * checked.
 */
class DocsCommandsIT {

    private static final String MARKER = "<!-- run: DocsCommandsIT -->";
    private static final Duration LINE_TIMEOUT = Duration.ofSeconds(150);
    private static final Pattern KILL = Pattern.compile("kill((?:\\s+%\\d+)+)");

    @TempDir
    Path dir;

    private final List<Process> background = new ArrayList<>();
    private final List<Path> backgroundLogs = new ArrayList<>();

    record Ran(String line, int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "$ " + line + "\n(exit " + exitCode + ")\n" + out + err;
        }
    }

    @Test
    void theWalkthroughOfCliMdRunsAsWritten() throws Exception {
        Path root = Markdown.repositoryRoot();
        List<String> lines = walkthrough(Markdown.read(root.resolve("docs/cli.md")));
        writeLauncher(dir.resolve("scripts/flotta"));
        copy(root.resolve("docs"), dir.resolve("docs"));

        Set<String> subcommands = new LinkedHashSet<>();
        List<Ran> ran = new ArrayList<>();
        for (String line : lines) {
            String command = line.strip();
            if (command.isEmpty() || command.startsWith("#")) {
                continue;
            }
            Matcher flotta = Pattern.compile("scripts/flotta\\s+(\\S+)").matcher(command);
            while (flotta.find()) {
                subcommands.add(flotta.group(1));
            }
            Matcher kill = KILL.matcher(command);
            if (command.endsWith("&") && !command.endsWith("&&")) {
                startInBackground(command.substring(0, command.length() - 1).strip());
            } else if (kill.matches()) {
                for (String job : kill.group(1).strip().split("\\s+")) {
                    stop(Integer.parseInt(job.substring(1)));
                }
            } else {
                Ran r = run(command);
                ran.add(r);
                assertThat(r.exitCode()).as("%s\n%s", r, backgroundOutput()).isZero();
                check(r);
            }
        }

        assertThat(subcommands).as("the walkthrough shows every command a new user needs")
                .contains("server", "agent", "bootstrap-bundle", "get", "apply", "label", "approve", "delete", "backup");
        assertThat(ran).extracting(Ran::line).anyMatch(l -> l.contains("get devices -o json"));
        // deleting the device told its agent to disconnect: it removed its workloads and exited
        assertThat(background).hasSizeGreaterThanOrEqualTo(2);
        Process agent = background.get(1);
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent exits after its device was deleted\n%s",
                backgroundOutput()).isTrue();
        assertThat(agent.exitValue()).isEqualTo(AgentCommand.EXIT_DISCONNECTED);
        assertThat(background.get(0).isAlive()).as("kill %1 stopped the server").isFalse();
    }

    /** What each documented command must have printed, beyond exiting 0. */
    private void check(Ran r) throws IOException {
        String line = r.line();
        if (line.startsWith("scripts/flotta bootstrap-bundle ")) {
            assertThat(r.out()).as(r.toString()).contains("Bootstrap bundle for https://127.0.0.1:",
                    "flotta agent --bundle edge-1-bundle");
            assertThat(dir.resolve("edge-1-bundle/registration-key.pem")).isRegularFile();
        } else if (line.startsWith("scripts/flotta approve ")) {
            assertThat(r.out()).as(r.toString()).contains("device edge-1 approved");
        } else if (line.startsWith("scripts/flotta label ")) {
            assertThat(r.out()).as(r.toString()).contains("device default/edge-1 labelled", "site=lab");
        } else if (line.startsWith("scripts/flotta apply ")) {
            assertThat(r.out()).as(r.toString()).contains("deployment default/web created",
                    "deployment default/web is running");
        } else if (line.equals("scripts/flotta get devices -o json")) {
            JsonNode devices = ModelJson.mapper().readTree(r.out());
            assertThat(devices.isArray()).as(r.toString()).isTrue();
            JsonNode edge = devices.get(0);
            assertThat(edge.path("id").asText()).isEqualTo("edge-1");
            assertThat(edge.path("labels").path("site").asText()).isEqualTo("lab");
            assertThat(edge.path("status").path("state").asText()).as(r.toString()).isEqualTo("online");
            assertThat(edge.path("status").path("workloads").get(0).path("name").asText()).isEqualTo("web");
            assertThat(edge.path("status").path("workloads").get(0).path("phase").asText()).isEqualTo("Running");
        } else if (line.equals("scripts/flotta get deployments")) {
            assertThat(r.out()).as(r.toString()).contains("web", "Running=1");
        } else if (line.startsWith("scripts/flotta backup ")) {
            assertThat(r.out()).as(r.toString()).contains("store backed up to " + dir.resolve("flotta-backup.db"));
            assertThat(new String(Files.readAllBytes(dir.resolve("flotta-backup.db")), 0, 15, StandardCharsets.US_ASCII))
                    .isEqualTo("SQLite format 3");
        } else if (line.startsWith("scripts/flotta delete deployment ")) {
            assertThat(r.out()).as(r.toString()).contains("deployment default/web deleted");
        } else if (line.startsWith("scripts/flotta delete device ")) {
            assertThat(r.out()).as(r.toString()).contains("device default/edge-1 deleted");
        }
    }

    /** The lines of the shell block after the marker, continuation lines joined. */
    private static List<String> walkthrough(Markdown doc) {
        Markdown.Block block = doc.blocks().stream().filter(b -> b.before().equals(MARKER)).findFirst()
                .orElseThrow(() -> new AssertionError(doc.file() + " has no block after " + MARKER));
        assertThat(block.info()).isEqualTo("sh");
        List<String> lines = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        for (String line : block.body()) {
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1).append(' ');
            } else {
                lines.add(logical.append(line).toString());
                logical.setLength(0);
            }
        }
        return lines;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** {@code scripts/flotta} for this test: the command from this JVM's class path, servers on free ports. */
    private static void writeLauncher(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(file, String.join("\n",
                "#!/usr/bin/env bash",
                "if [ \"$1\" = server ]; then set -- \"$@\" --port 0 --admin-port 0; fi",
                "exec '" + java + "' -Xmx256m -cp '" + System.getProperty("java.class.path") + "' "
                        + FlottaCli.class.getName() + " \"$@\"",
                ""));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Ran run(String line) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder("bash", "-c", line).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(LINE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            destroyTree(p);
            throw new AssertionError("`" + line + "` did not finish within " + LINE_TIMEOUT.toSeconds() + " s\n"
                    + Files.readString(out) + Files.readString(err) + "\n" + backgroundOutput());
        }
        return new Ran(line, p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private void startInBackground(String line) throws IOException {
        Path log = dir.resolve("background-" + (background.size() + 1) + ".log");
        Process p = new ProcessBuilder("bash", "-c", line).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        background.add(p);
        backgroundLogs.add(log);
    }

    /** {@code kill %job}: SIGTERM to the job, as bash sends it, and wait for it to end. */
    private void stop(int job) throws InterruptedException {
        Process p = background.get(job - 1);
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            destroyTree(p);
        }
    }

    private String backgroundOutput() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < backgroundLogs.size(); i++) {
            try {
                List<String> all = Files.readAllLines(backgroundLogs.get(i));
                text.append("--- background job %").append(i + 1).append(" (last lines)\n");
                all.subList(Math.max(0, all.size() - 40), all.size()).forEach(l -> text.append(l).append('\n'));
            } catch (IOException e) {
                text.append("(no output: ").append(e.getMessage()).append(")\n");
            }
        }
        return text.toString();
    }

    private static void destroyTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    @AfterEach
    void stopBackgroundJobs() throws InterruptedException {
        for (Process p : background) {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    destroyTree(p);
                }
            }
        }
    }
}
