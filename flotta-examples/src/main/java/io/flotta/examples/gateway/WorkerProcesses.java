package io.flotta.examples.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's workers as child processes, as upstream runs them: started with
 * {@code YGG_SOCKET_ADDR} and their configured environment, their output copied to the gateway's
 * with the worker's name in front, restarted when they end (after a delay that grows while they
 * keep ending quickly), stopped with SIGTERM when the gateway stops.
 *
 * <p>Each running worker has a pid file (its pid and start time) in the run directory. A gateway that
 * was killed leaves its workers running; the next one stops them before it starts their
 * replacements, so a handler never has two workers. The start time makes sure a pid that the system
 * gave to another process since is left alone.
 */
final class WorkerProcesses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcesses.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private final Map<String, String> baseEnv;
    private final Path runDirectory;
    private final LongConsumer ended;
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param baseEnv      environment every worker gets ({@code YGG_SOCKET_ADDR}…)
     * @param runDirectory where the workers' pid files are kept
     * @param ended        told the pid of each worker process that ended
     */
    WorkerProcesses(Map<String, String> baseEnv, Path runDirectory, LongConsumer ended) {
        this.baseEnv = Map.copyOf(baseEnv);
        this.runDirectory = runDirectory;
        this.ended = ended;
    }

    synchronized void start(WorkerSpec spec) {
        stopLeftover(spec.name());
        Thread supervisor = new Thread(() -> supervise(spec), "gateway-worker-" + spec.name());
        supervisor.setDaemon(true);
        threads.add(supervisor);
        supervisor.start();
    }

    private void supervise(WorkerSpec spec) {
        Duration delay = Duration.ZERO;
        while (!stopping) {
            long started = System.nanoTime();
            Process process;
            try {
                process = launch(spec);
            } catch (IOException e) {
                LOG.error("cannot start worker {} ({}): {}", spec.name(), spec.command(), e.getMessage());
                delay = next(delay);
                if (!pause(delay)) {
                    return;
                }
                continue;
            }
            running.put(spec.name(), process);
            writePidFile(spec.name(), process.toHandle());
            LOG.info("started worker {} (pid {})", spec.name(), process.pid());
            int exit;
            try {
                exit = process.waitFor();
            } catch (InterruptedException e) {
                return;
            }
            running.remove(spec.name(), process);
            deletePidFile(spec.name());
            ended.accept(process.pid());
            if (stopping) {
                return;
            }
            LOG.warn("worker {} (pid {}) exited with {}", spec.name(), process.pid(), exit);
            boolean quick = System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10);
            delay = quick ? next(delay) : Duration.ofSeconds(1);
            if (!pause(delay)) {
                return;
            }
        }
    }

    private Path pidFile(String name) {
        return runDirectory.resolve(name + ".pid");
    }

    private void writePidFile(String name, ProcessHandle handle) {
        try {
            Files.createDirectories(runDirectory);
            Files.writeString(pidFile(name), handle.pid() + " " + handle.info().startInstant().map(Instant::toString)
                    .orElse("-") + "\n");
        } catch (IOException e) {
            LOG.warn("cannot write the pid file of worker {}: {}", name, e.getMessage());
        }
    }

    private void deletePidFile(String name) {
        try {
            Files.deleteIfExists(pidFile(name));
        } catch (IOException e) {
            LOG.debug("cannot delete the pid file of worker {}", name, e);
        }
    }

    /** Stops the worker a killed gateway left running, if its pid file names a live process it started. */
    private void stopLeftover(String name) {
        Path file = pidFile(name);
        if (!Files.exists(file)) {
            return;
        }
        try {
            String[] recorded = Files.readString(file).strip().split(" ");
            Optional<ProcessHandle> leftover = ProcessHandle.of(Long.parseLong(recorded[0]))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> recorded.length > 1 && p.info().startInstant().map(Instant::toString)
                            .filter(recorded[1]::equals).isPresent());
            if (leftover.isPresent()) {
                ProcessHandle p = leftover.get();
                LOG.warn("stopping the leftover worker {} (pid {}) of a gateway that did not stop it", name, p.pid());
                p.destroy();
                try {
                    p.onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    p.destroyForcibly();
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.debug("waiting for pid {} failed", p.pid(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot check the pid file {}: {}", file, e.getMessage());
        }
    }

    private static Duration next(Duration delay) {
        Duration doubled = delay.isZero() ? Duration.ofSeconds(1) : delay.multipliedBy(2);
        return doubled.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : doubled;
    }

    private boolean pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return !stopping;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private Process launch(WorkerSpec spec) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(spec.command()).redirectErrorStream(true);
        builder.environment().putAll(baseEnv);
        builder.environment().putAll(spec.env());
        Process process = builder.start();
        process.getOutputStream().close();
        Thread pump = new Thread(() -> copyOutput(spec.name(), process), "gateway-worker-output-" + spec.name());
        pump.setDaemon(true);
        pump.start();
        return process;
    }

    private static void copyOutput(String name, Process process) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                System.out.println("[" + name + "] " + line);
            }
        } catch (IOException e) {
            // the pipe closes when the worker ends
        }
    }

    /** SIGTERM to every worker, SIGKILL to those still running after the grace period. */
    @Override
    public void close() {
        stopping = true;
        synchronized (this) {
            threads.forEach(Thread::interrupt);
        }
        List<Process> processes = List.copyOf(running.values());
        processes.forEach(p -> p.toHandle().destroy());
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (Process p : processes) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("worker pid {} did not stop within {} s: killing it", p.pid(), STOP_GRACE.toSeconds());
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        running.keySet().forEach(this::deletePidFile);
    }
}
