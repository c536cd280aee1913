package io.flotta.examples.metrics;

import com.sun.net.httpserver.HttpServer;
import io.flotta.core.agent.Agent;
import io.flotta.spi.FlottaException;
import io.flotta.spi.runtime.WorkloadPhase;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadStatus;
import io.flotta.spi.storage.ObjectStorage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The agent's Prometheus metrics, opt-in ({@code flotta agent --metrics-port}):
 * {@code flotta_agent_workloads{phase}} (workloads on this device by phase, every phase listed),
 * {@code flotta_agent_heartbeats_total} (heartbeats the control plane accepted),
 * {@code flotta_agent_unauthorized_total} (401 answers, each followed by a re-registration),
 * {@code flotta_agent_phase{phase}} (1 for the agent's current phase) and, with object storage,
 * {@code flotta_agent_data_syncs_total{result}}, {@code flotta_agent_data_files_uploaded_total} and
 * {@code flotta_agent_data_uploaded_bytes_total}.
 *
 * <p>Served by the JDK's own HTTP server on loopback: the agent already carries no HTTP server
 * library, and a device-local scraper (or an SSH tunnel) is how edge metrics are usually collected.
 */
public final class AgentMetrics implements AutoCloseable {

    private final WorkloadRuntime runtime;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge workloads;
    private HttpServer server;

    public AgentMetrics(WorkloadRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.workloads = MultiGauge.builder("flotta.agent.workloads").description("Workloads on this device by phase")
                .register(registry);
    }

    /** {@code storage} with its data uploads counted here; hand the result to the agent. */
    public ObjectStorage meter(ObjectStorage storage) {
        return new MeteredObjectStorage(storage, registry);
    }

    /** Reports {@code agent}'s heartbeats, 401 answers and phase. */
    public AgentMetrics watch(Agent agent) {
        Objects.requireNonNull(agent, "agent");
        FunctionCounter.builder("flotta.agent.heartbeats", agent, Agent::heartbeatsAccepted)
                .description("Heartbeats the control plane accepted").register(registry);
        FunctionCounter.builder("flotta.agent.unauthorized", agent, Agent::unauthorizedAnswers)
                .description("401 answers from the control plane (each makes the agent register again)")
                .register(registry);
        for (Agent.Phase phase : Agent.Phase.values()) {
            Gauge.builder("flotta.agent.phase", agent, a -> a.phase() == phase ? 1 : 0)
                    .tag("phase", phase.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        return this;
    }

    /** The current values in the Prometheus text format. */
    public synchronized String scrape() {
        Map<WorkloadPhase, Integer> byPhase = new EnumMap<>(WorkloadPhase.class);
        for (WorkloadPhase p : WorkloadPhase.values()) {
            byPhase.put(p, 0);
        }
        try {
            for (WorkloadStatus w : runtime.list()) {
                byPhase.merge(w.phase(), 1, Integer::sum);
            }
        } catch (FlottaException e) {
            // the runtime is unreachable right now: report no workloads rather than fail the scrape
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byPhase.forEach((p, n) -> rows.add(MultiGauge.Row.of(Tags.of("phase", p.wireName()), n)));
        workloads.register(rows, true);
        return registry.scrape();
    }

    /** Serves {@code GET /metrics} on {@code host:port} (0 picks a free port); returns the bound port. */
    public synchronized int serve(String host, int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 8);
        } catch (IOException e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "cannot serve agent metrics on " + host + ":"
                    + port + ": " + e.getMessage() + " (choose another port with --metrics-port)", e);
        }
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", ControlPlaneMetrics.contentType());
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }
}
