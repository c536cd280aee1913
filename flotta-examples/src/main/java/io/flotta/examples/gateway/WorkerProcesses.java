package io.flotta.examples.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
final class WorkerProcesses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcesses.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private final Map<String, String> baseEnv;
    private final LongConsumer ended;
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /**
     * @param baseEnv environment every worker gets ({@code YGG_SOCKET_ADDR}…)
     * @param ended   told the pid of each worker process that ended
     */
    WorkerProcesses(Map<String, String> baseEnv, LongConsumer ended) {
        this.baseEnv = Map.copyOf(baseEnv);
        this.ended = ended;
    }

    synchronized void start(WorkerSpec spec) {
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
            LOG.info("started worker {} (pid {})", spec.name(), process.pid());
            int exit;
            try {
                exit = process.waitFor();
            } catch (InterruptedException e) {
                return;
            }
            running.remove(spec.name(), process);
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
    }
}
