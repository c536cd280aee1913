package io.flotta.examples.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Java main class run in its own JVM on this test's class path, with its output (stdout and
 * stderr merged) captured line by line with arrival times, so a test can wait for what the process
 * reports and assert on what it never reported. Lines are echoed to this JVM's stdout, prefixed
 * with the child's name, so a CI log shows both sides.
 */
public final class ChildJvm implements AutoCloseable {

    /** One line of output and when this JVM read it ({@code nanoTime} for measuring intervals). */
    public record Line(int index, Instant at, long nanoTime, String text) {
    }

    private static final int TAIL = 60;

    private final String name;
    private final Process process;
    private final long startNanos;
    private final List<Line> lines = new ArrayList<>();
    private final Thread pump;
    private boolean ended;

    private ChildJvm(String name, List<String> command) throws IOException {
        this.name = name;
        this.startNanos = System.nanoTime();
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        this.pump = new Thread(this::pump, "child-output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code mainClass} with {@code jvmOptions} (e.g. {@code -Xmx32m}) and {@code args}. */
    public static ChildJvm start(String name, List<String> jvmOptions, Class<?> mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        try {
            return new ChildJvm(name, command);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** The process's handle, e.g. for its descendants or for signalling it without closing its output. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** {@link System#nanoTime()} just before the process was started. */
    public long startNanos() {
        return startNanos;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** How many lines were read so far: a mark for {@link #awaitLine(int, Pattern, Duration)}. */
    public synchronized int lineCount() {
        return lines.size();
    }

    public synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Lines containing a match of {@code pattern}, in order. */
    public List<Line> linesMatching(Pattern pattern) {
        return lines().stream().filter(l -> pattern.matcher(l.text()).find()).toList();
    }

    /** The first line (from the start) containing a match of {@code pattern}. */
    public Line awaitLine(Pattern pattern, Duration timeout) {
        return awaitLine(0, pattern, timeout);
    }

    /**
     * The first line at or after index {@code from} containing a match of {@code pattern}; fails
     * with the output's tail when the timeout passes or the process ends without one.
     */
    public Line awaitLine(int from, Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            int next = from;
            while (true) {
                for (; next < lines.size(); next++) {
                    if (pattern.matcher(lines.get(next).text()).find()) {
                        return lines.get(next);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended) {
                    throw new AssertionError("%s: no line matching /%s/ within %d ms (process %s); last output:%n%s"
                            .formatted(name, pattern, timeout.toMillis(),
                                    process.isAlive() ? "running" : "exited with " + process.exitValue(), tail()));
                }
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(name + ": interrupted while waiting for /" + pattern + "/", e);
                }
            }
        }
    }

    /** Waits for the process to end by itself and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("%s still running after %d ms; last output:%n%s"
                        .formatted(name, timeout.toMillis(), tail()));
            }
            pump.join(TimeUnit.SECONDS.toMillis(10));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted while waiting for exit", e);
        }
    }

    /**
     * SIGTERM: shutdown hooks run. Returns the exit code; fails if the process still runs after
     * {@code timeout}. What it prints while it shuts down is still read: the signal goes through
     * the handle, as {@link Process#destroy()} would also close the output pipe.
     */
    public int stop(Duration timeout) {
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    /** SIGTERM, then SIGKILL if the process still runs after {@code grace}. Returns the exit code. */
    public int stopOrKill(Duration grace) {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted while waiting for exit", e);
        }
        return awaitExit(Duration.ofSeconds(30));
    }

    /** SIGKILL ({@link Process#destroyForcibly()}): nothing in the child gets to run. Returns the exit code. */
    public int kill() {
        process.destroyForcibly();
        return awaitExit(Duration.ofSeconds(30));
    }

    /** The last lines of output, for failure messages. */
    public String tail() {
        return tail(TAIL);
    }

    /** The last {@code count} lines of output. */
    public synchronized String tail(int count) {
        return lines.subList(Math.max(0, lines.size() - count), lines.size()).stream()
                .map(l -> "  " + l.text()).collect(Collectors.joining(System.lineSeparator()));
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String text;
            while ((text = reader.readLine()) != null) {
                long nanos = System.nanoTime();
                Instant at = Instant.now();
                System.out.println("[" + name + "] " + text);
                synchronized (this) {
                    lines.add(new Line(lines.size(), at, nanos, text));
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the stream closes when the process dies
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Kills the process if it still runs; safe to call more than once. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            pump.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
