package io.flotta.examples.podman;

import io.flotta.examples.cli.FlottaCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code flotta agent --runtime podman} in a child JVM, as a device would run it. Its output goes to
 * a {@link Log} shared by every start of the same agent, for failure reports and for the podman
 * command timings it logs at debug level.
 */
final class AgentProcess implements AutoCloseable {

    private final Process process;

    private AgentProcess(Process process) {
        this.process = process;
    }

    static AgentProcess start(Path bundle, Path stateDirectory, String deviceId, Log log) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx128m",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                // PodmanCli logs each command's duration at debug: the per-pod costs come from there
                "-Dorg.slf4j.simpleLogger.log.io.flotta.runtime.podman.internal.PodmanCli=debug",
                "-cp", System.getProperty("java.class.path"),
                FlottaCli.class.getName(), "agent", "--bundle", bundle.toString(),
                "--state-dir", stateDirectory.toString(), "--device-id", deviceId, "--runtime", "podman");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the agent JVM", e);
        }
        log.add("---- agent started (pid " + process.pid() + ")");
        Thread pump = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                lines.lines().forEach(log::add);
            } catch (IOException | UncheckedIOException e) {
                // the agent ended
            }
        }, "agent-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        return new AgentProcess(process);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (the agent's shutdown hook runs), then SIGKILL if it takes longer than 15 s; returns the exit code. */
    int stop() {
        process.destroy();
        return awaitExit();
    }

    /** SIGKILL: no shutdown hook, as after a power cut. */
    int kill() {
        process.destroyForcibly();
        return awaitExit();
    }

    private int awaitExit() {
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    /** What the agent printed, across restarts. */
    static final class Log {
        private static final Pattern PODMAN_TIMING = Pattern.compile("podman (.+) -> exit (\\d+) in (\\d+) ms");

        private final List<String> lines = new ArrayList<>();

        synchronized void add(String line) {
            lines.add(line);
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        synchronized boolean contains(String text) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }

        /** Milliseconds of each successful podman command whose arguments start with {@code prefix}, in order. */
        List<Long> podmanMillis(String prefix) {
            List<Long> result = new ArrayList<>();
            for (String line : lines()) {
                Matcher m = PODMAN_TIMING.matcher(line);
                if (m.find() && m.group(1).startsWith(prefix) && m.group(2).equals("0")) {
                    result.add(Long.parseLong(m.group(3)));
                }
            }
            return result;
        }

        String tail(int count) {
            List<String> all = lines();
            return String.join("\n", all.subList(Math.max(0, all.size() - count), all.size()));
        }
    }
}
