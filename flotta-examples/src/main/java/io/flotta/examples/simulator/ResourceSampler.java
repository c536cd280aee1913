package io.flotta.examples.simulator;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples CPU, heap, threads and open files of the control plane (from its Prometheus
 * {@code /metrics}: {@code process_cpu_usage}, {@code jvm_memory_used_bytes{area="heap"}},
 * {@code jvm_threads_live_threads}, {@code process_files_open_files}) and of this JVM (from its
 * MXBeans) at a fixed interval, keeping averages and peaks. Scraping is not free: the control plane
 * reads every device's status to count devices by state and workloads by phase (at 10,000 devices
 * a scrape every 5 s was a quarter of its CPU), so the simulator scrapes as often as a Prometheus
 * server would by default, every 15 s.
 */
final class ResourceSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceSampler.class);

    /** Running average and peak of each named value. */
    private static final class Series {
        private final Map<String, double[]> values = new HashMap<>(); // sum, count, max

        synchronized void add(String name, double value) {
            double[] v = values.computeIfAbsent(name, k -> new double[] {0, 0, Double.NEGATIVE_INFINITY});
            v[0] += value;
            v[1]++;
            v[2] = Math.max(v[2], value);
        }

        synchronized void reset() {
            values.clear();
        }

        synchronized Double average(String name) {
            double[] v = values.get(name);
            return v == null || v[1] == 0 ? null : v[0] / v[1];
        }

        synchronized Double max(String name) {
            double[] v = values.get(name);
            return v == null || v[1] == 0 ? null : v[2];
        }

        SimulationReport.Resources resources() {
            Double heap = max("heap");
            return new SimulationReport.Resources(average("cpu"), max("cpu"), heap == null ? null : heap / (1 << 20),
                    max("threads"), max("files"));
        }
    }

    private final URI metrics;
    private final HttpClient http;
    private final Series controlPlane = new Series();
    private final Series self = new Series();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "simulator-sampler");
        t.setDaemon(true);
        return t;
    });

    /** @param metrics the control plane's {@code /metrics} URL, or null to sample this JVM only */
    ResourceSampler(URI metrics, List<X509Certificate> trustAnchors, Duration interval) {
        this.metrics = metrics;
        this.http = metrics == null ? null : HttpClient.newBuilder().sslContext(trusting(trustAnchors))
                .connectTimeout(Duration.ofSeconds(5)).build();
        timer.scheduleAtFixedRate(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Forgets what was sampled so far (the next phase is measured on its own). */
    void reset() {
        controlPlane.reset();
        self.reset();
    }

    SimulationReport.Resources controlPlane() {
        return metrics == null ? null : controlPlane.resources();
    }

    SimulationReport.Resources self() {
        return self.resources();
    }

    /** One sample now, on the calling thread. */
    void sampleNow() {
        sample();
    }

    private synchronized void sample() {
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double cpu = os.getProcessCpuLoad();
        if (cpu >= 0) {
            self.add("cpu", cpu);
        }
        self.add("heap", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        self.add("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        if (os instanceof UnixOperatingSystemMXBean unix) {
            self.add("files", unix.getOpenFileDescriptorCount());
        }
        if (metrics == null) {
            return;
        }
        try {
            String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double heap = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith("process_cpu_usage ")) {
                    controlPlane.add("cpu", value(line));
                } else if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    heap += value(line);
                } else if (line.startsWith("jvm_threads_live_threads ")) {
                    controlPlane.add("threads", value(line));
                } else if (line.startsWith("process_files_open_files ")) {
                    controlPlane.add("files", value(line));
                }
            }
            controlPlane.add("heap", heap);
        } catch (Exception e) {
            LOG.debug("scraping {} failed: {}", metrics, e.toString());
        }
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static SSLContext trusting(List<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a TLS context for the metrics endpoint", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
