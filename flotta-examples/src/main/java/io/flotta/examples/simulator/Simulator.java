package io.flotta.examples.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.examples.admin.AdminClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportClientProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N simulated devices in one JVM against a running control plane, over the transport provider
 * named in the settings (found by {@link ProviderRegistry}, so any provider works unchanged).
 *
 * <p>Phases: workload deployments are created through the admin API; every device pairs (enrolment,
 * a new key and CSR, registration with the bootstrap registration certificate), a few at a time;
 * then the fleet runs for the chosen duration — each device keeps its configuration current (a
 * long poll that waits for a change, or upstream's unconditional fetch every few seconds) and sends
 * heartbeats, the fleet's heartbeats spread evenly over the period; optionally every device renews
 * its certificate once; finally, optionally, a deployment placed on every device is changed and the
 * time until the last device has it is measured.
 *
 * <p>Threads and connections: each device has its own {@code TransportClient} (its identity is its
 * own, so no connection can be shared between devices). In long-poll mode each device has one
 * thread (virtual on JDK 21 and later, else a platform thread with a small stack) that long polls
 * and sends its heartbeats between two polls (a poll
 * waits at most until the next heartbeat is due), so with the {@code http} provider a device
 * keeps exactly one connection: the fleet needs one file descriptor per device on each side, and
 * a heartbeat costs no TLS handshake. Renewals and upstream-mode polls and heartbeats run on one
 * shared scheduler; in upstream mode a device's polls and heartbeats share its one kept connection.
 */
public final class Simulator {

    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
    private static final long LONG_POLL_STACK = 256 * 1024;
    /**
     * Virtual threads, where the JDK has them (21 and later), else null. Each device's loop blocks
     * in its transport's {@code send}; 10,000 platform threads cost a stack each, and every thread
     * start walks the JVM's list of all threads (a few percent of the simulator's CPU while 6,000
     * devices paired on JDK 25). Found by reflection: the project builds for Java 17.
     */
    private static final ThreadFactory VIRTUAL_THREADS = virtualThreads();
    private static final Duration FAN_OUT_TIMEOUT = Duration.ofSeconds(120);
    /** The report's name for heartbeats sent while a change reached the fleet. */
    static final String HEARTBEAT_DURING_CHANGE = "heartbeat during change";

    private final SimulatorSettings settings;
    private final SimulatedDevice.Stats stats = newStats();
    private final AtomicLong heartbeatsAccepted = new AtomicLong();
    private final AtomicLong heartbeatsRefused = new AtomicLong();
    private volatile boolean running;
    /** Where the heartbeat phases are counted from. */
    private final long epoch = System.nanoTime();

    public Simulator(SimulatorSettings settings) {
        this.settings = settings;
    }

    /** Runs the whole simulation and returns what it measured. */
    public SimulationReport run() throws InterruptedException {
        TransportClientProvider provider = ProviderRegistry.discover(TransportClientProvider.class)
                .select(settings.transport());
        List<SimulatedDevice> devices = new ArrayList<>(settings.devices());
        try (ResourceSampler sampler = new ResourceSampler(settings.metrics(), settings.bundle().caCertificates(),
                Duration.ofSeconds(15))) {
            AdminClient admin = settings.admin() == null ? null : new AdminClient(settings.admin());
            createWorkloads(admin);
            if (settings.warmUpDevices() > 0) {
                warmUp(provider);
            }
            devices.addAll(newDevices(provider, settings.idPrefix() + "-", settings.devices(), stats));
            running = true;
            ScheduledExecutorService scheduler = scheduler();
            List<Thread> pollers = java.util.Collections.synchronizedList(new ArrayList<>());
            double registrationSeconds = pair(devices, d -> pollers.addAll(startConfiguration(d, scheduler)));
            LOG.info("{} of {} devices paired in {} s", devices.stream().filter(SimulatedDevice::paired).count(),
                    devices.size(), String.format("%.1f", registrationSeconds));
            sampler.reset();
            long steadyStart = System.nanoTime();
            // polls and heartbeats made while the rest of the fleet paired are not the steady state
            stats.longPoll().reset();
            stats.heartbeat().reset();
            heartbeatsAccepted.set(0);
            heartbeatsRefused.set(0);
            if (settings.mode() == SimulatorSettings.Mode.UPSTREAM_POLL) {
                scheduleHeartbeats(devices, scheduler);
            }
            if (settings.renew()) {
                scheduleRenewals(devices, scheduler);
            }
            Thread.sleep(settings.duration().toMillis());
            awaitEveryDevice(devices);
            // Heartbeats sent while a change goes out to the whole fleet queue behind thousands of
            // configuration answers: they are reported apart, not mixed into the steady state.
            SimulationReport.Operation heartbeats = stats.heartbeat().snapshot(
                    (System.nanoTime() - steadyStart) / 1e9);
            SimulationReport.Operation heartbeatsDuringChange = null;
            SimulationReport.FanOut fanOut = null;
            if (settings.fanOut()) {
                stats.heartbeat().reset();
                long changeStart = System.nanoTime();
                fanOut = fanOut(admin, devices);
                heartbeatsDuringChange = stats.heartbeat().snapshot(HEARTBEAT_DURING_CHANGE,
                        (System.nanoTime() - changeStart) / 1e9);
            }
            double measured = (System.nanoTime() - steadyStart) / 1e9;
            sampler.sampleNow(); // short runs end before the first periodic sample
            SimulationReport.Resources controlPlane = sampler.controlPlane();
            SimulationReport.Resources self = sampler.self();
            running = false;
            scheduler.shutdownNow();
            devices.forEach(SimulatedDevice::stop);
            for (Thread t : List.copyOf(pollers)) {
                t.join(2000);
            }
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
            List<SimulationReport.Operation> operations = new ArrayList<>();
            operations.add(stats.enrolment().snapshot(registrationSeconds));
            operations.add(stats.registration().snapshot(registrationSeconds));
            for (OperationStats op : List.of(stats.configuration(), stats.longPoll())) {
                if (op.count() > 0) {
                    operations.add(op.snapshot(measured));
                }
            }
            for (SimulationReport.Operation op : Arrays.asList(heartbeats, heartbeatsDuringChange)) {
                if (op != null && op.count() > 0) {
                    operations.add(op);
                }
            }
            if (stats.renewal().count() > 0) {
                operations.add(stats.renewal().snapshot(measured));
            }
            return new SimulationReport(settings.transport(),
                    settings.mode() == SimulatorSettings.Mode.LONG_POLL ? "long poll" : "full configuration every "
                            + settings.upstreamPollInterval().toSeconds() + " s",
                    devices.size(), (int) devices.stream().filter(SimulatedDevice::paired).count(),
                    (int) devices.stream().filter(SimulatedDevice::configured).count(), heartbeatsAccepted.get(),
                    heartbeatsRefused.get(), (int) settings.heartbeatPeriod().toSeconds(), registrationSeconds,
                    measured, fanOut, operations, controlPlane, self, loadAverage());
        } finally {
            running = false;
            devices.forEach(SimulatedDevice::stop);
        }
    }

    /**
     * Pairs the warm-up devices; each fetches its configuration once and stops at once, so that a
     * warm-up larger than the fleet does not hold a connection per device. Nothing of it is reported.
     */
    private void warmUp(TransportClientProvider provider) throws InterruptedException {
        List<SimulatedDevice> warmUp = newDevices(provider, settings.idPrefix() + "-warm-up-", settings.warmUpDevices(),
                newStats());
        double seconds = pair(warmUp, d -> {
            d.fetchConfiguration();
            d.stop();
        });
        warmUp.forEach(SimulatedDevice::stop); // those that did not pair
        LOG.info("warm-up: {} devices paired in {} s, now stopped", warmUp.stream().filter(SimulatedDevice::paired)
                .count(), String.format("%.1f", seconds));
    }

    /** Devices {@code <prefix>0} to {@code <prefix>(count - 1)}, the workload mix laid over them as over the fleet. */
    private List<SimulatedDevice> newDevices(TransportClientProvider provider, String prefix, int count,
            SimulatedDevice.Stats counted) {
        List<SimulatedDevice> made = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            made.add(new SimulatedDevice(i, prefix + i, workloadsOf(i % settings.devices()),
                    provider.create(new TransportClientConfig(settings.bundle().server(),
                            settings.bundle().caCertificates(), settings.bundle().registration(), null, null)),
                    counted));
        }
        return made;
    }

    private static SimulatedDevice.Stats newStats() {
        return new SimulatedDevice.Stats(new OperationStats("enrolment", true), new OperationStats("registration", true),
                new OperationStats("configuration", true), new OperationStats("long poll", false),
                new OperationStats("heartbeat", true), new OperationStats("renewal", true));
    }

    /**
     * The duration is a minimum: on a slow machine the run goes on (for at most a minute) until
     * every paired device has sent a heartbeat and, when asked, renewed, so a report always covers
     * the whole fleet.
     */
    private void awaitEveryDevice(List<SimulatedDevice> devices) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline && devices.stream().filter(SimulatedDevice::paired)
                .anyMatch(d -> d.heartbeatsSent() == 0 || (settings.renew() && !d.renewed()))) {
            Thread.sleep(50);
        }
    }

    /** Workload count of device {@code index}: the mix's percentages laid out over the fleet. */
    private int workloadsOf(int index) {
        double position = (index + 0.5) * 100.0 / settings.devices();
        int cumulative = 0;
        int last = 0;
        for (Map.Entry<Integer, Integer> e : settings.workloadMix().entrySet()) {
            cumulative += e.getValue();
            last = e.getKey();
            if (position < cumulative) {
                return e.getKey();
            }
        }
        return last;
    }

    /** Deployment {@code sim-workload-j} goes to every device that has j or more workloads. */
    private void createWorkloads(AdminClient admin) {
        int most = settings.workloadMix().keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        for (int j = 1; j <= most; j++) {
            List<String> products = new ArrayList<>();
            for (int count : settings.workloadMix().keySet()) {
                if (count >= j) {
                    products.add(SimulatedDevice.product(count));
                }
            }
            ObjectNode selector = JsonNodeFactory.instance.objectNode();
            selector.putObject("matchLabels").put("device.system-manufacturer", SimulatedDevice.MANUFACTURER);
            ArrayNode values = selector.putArray("matchExpressions").addObject()
                    .put("key", "device.system-product").put("operator", "In").putArray("values");
            products.forEach(values::add);
            admin.post("/api/v1/deployments", deployment(settings.idPrefix() + "-workload-" + j, selector,
                    "workload " + j).toString(), "application/json");
        }
    }

    private static ObjectNode deployment(String name, ObjectNode selector, String message) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("kind", "EdgeDeployment");
        doc.putObject("metadata").put("name", name);
        ObjectNode spec = doc.putObject("spec");
        spec.set("deviceSelector", selector);
        ObjectNode container = spec.putObject("pod").putObject("spec").putArray("containers").addObject();
        container.put("name", "app");
        container.put("image", "localhost/flotta/busybox:latest");
        container.putArray("command").add("sleep").add("infinity");
        container.putArray("env").addObject().put("name", "MESSAGE").put("value", message);
        return doc;
    }

    /** Pairs every device, a few at a time; {@code then} runs for each paired device (as an agent starts its loops). */
    private double pair(List<SimulatedDevice> devices, java.util.function.Consumer<SimulatedDevice> then)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(settings.registrationConcurrency(), r -> {
            Thread t = new Thread(r, "simulator-pairing");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        for (SimulatedDevice d : devices) {
            pool.execute(() -> {
                if (d.pair()) {
                    then.accept(d);
                }
                int n = done.incrementAndGet();
                if (n % 1000 == 0) {
                    LOG.info("{} devices paired", n);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        return (System.nanoTime() - start) / 1e9;
    }

    private ScheduledExecutorService scheduler() {
        int threads = Math.max(16, Math.min(256, settings.devices() / 40));
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(null, r, "simulator-scheduler", LONG_POLL_STACK * 2);
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /**
     * Keeps the device's configuration current: upstream's poll on the shared scheduler (first one
     * now, then every interval), or a thread of its own for the long poll.
     */
    private List<Thread> startConfiguration(SimulatedDevice d, ScheduledExecutorService scheduler) {
        if (settings.mode() == SimulatorSettings.Mode.UPSTREAM_POLL) {
            scheduler.scheduleAtFixedRate(d::fetchConfiguration, 0, settings.upstreamPollInterval().toNanos(),
                    TimeUnit.NANOSECONDS);
            return List.of();
        }
        long period = settings.heartbeatPeriod().toNanos();
        Runnable loop = () -> {
            d.fetchConfiguration();
            d.longPollLoop(settings.longPollWait(), firstHeartbeat(d.index(), System.nanoTime()), period,
                    () -> running, this::heartbeatAccepted);
        };
        String name = "simulator-" + d.id();
        Thread t;
        if (VIRTUAL_THREADS != null) {
            t = VIRTUAL_THREADS.newThread(loop);
            t.setName(name);
        } else {
            t = new Thread(null, loop, name, LONG_POLL_STACK);
            t.setDaemon(true);
        }
        t.start();
        return List.of(t);
    }

    private static ThreadFactory virtualThreads() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder")
                    .getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Upstream mode: heartbeats on the shared scheduler, device i's at the {@link #firstHeartbeat}
     * phase. (In long-poll mode each device's own thread sends them between polls.)
     */
    private void scheduleHeartbeats(List<SimulatedDevice> devices, ScheduledExecutorService scheduler) {
        long period = settings.heartbeatPeriod().toNanos();
        long now = System.nanoTime();
        for (SimulatedDevice d : devices) {
            if (!d.paired()) {
                continue;
            }
            scheduler.scheduleAtFixedRate(() -> {
                if (d.heartbeat()) {
                    heartbeatAccepted();
                } else if (running) {
                    heartbeatsRefused.incrementAndGet();
                }
            }, firstHeartbeat(d.index(), now) - now, period, TimeUnit.NANOSECONDS);
        }
    }

    private void heartbeatAccepted() {
        heartbeatsAccepted.incrementAndGet();
    }

    /**
     * The fleet's heartbeats are spread evenly over the period: device i's fall at {@code epoch +
     * i * period / N + k * period}. Returns the first such time not before {@code from}.
     */
    private long firstHeartbeat(int index, long from) {
        long period = settings.heartbeatPeriod().toNanos();
        long phase = epoch + period * index / settings.devices();
        if (phase >= from) {
            return phase;
        }
        long periods = (from - phase + period - 1) / period;
        return phase + periods * period;
    }

    /** Every device renews once, spread over the first half of the run. */
    private void scheduleRenewals(List<SimulatedDevice> devices, ScheduledExecutorService scheduler) {
        long window = settings.duration().toNanos() / 2;
        for (int i = 0; i < devices.size(); i++) {
            SimulatedDevice d = devices.get(i);
            if (d.paired()) {
                scheduler.schedule(d::renew, window * i / devices.size(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Places a new deployment on every device and waits until each has it in its configuration. */
    private SimulationReport.FanOut fanOut(AdminClient admin, List<SimulatedDevice> devices)
            throws InterruptedException {
        String marker = "fan-out-" + System.nanoTime();
        List<SimulatedDevice> paired = devices.stream().filter(SimulatedDevice::paired).toList();
        paired.forEach(d -> d.expect(marker));
        ObjectNode selector = JsonNodeFactory.instance.objectNode();
        selector.putObject("matchLabels").put("device.system-manufacturer", SimulatedDevice.MANUFACTURER);
        long start = System.nanoTime();
        admin.post("/api/v1/deployments", deployment(settings.idPrefix() + "-fan-out", selector, marker).toString(),
                "application/json");
        long deadline = start + FAN_OUT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && paired.stream().anyMatch(d -> d.markerSeenNanos() == 0)) {
            Thread.sleep(20);
        }
        long[] arrivals = paired.stream().mapToLong(SimulatedDevice::markerSeenNanos).filter(t -> t != 0)
                .map(t -> t - start).sorted().toArray();
        if (arrivals.length == 0) {
            return new SimulationReport.FanOut(paired.size(), 0, Double.NaN, Double.NaN, Double.NaN);
        }
        return new SimulationReport.FanOut(paired.size(), arrivals.length, arrivals[arrivals.length - 1] / 1e9,
                percentile(arrivals, 50) / 1e9, percentile(arrivals, 99) / 1e9);
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return String.join(" ", Arrays.copyOf(fields, 3));
        } catch (IOException | RuntimeException e) {
            return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }
}
