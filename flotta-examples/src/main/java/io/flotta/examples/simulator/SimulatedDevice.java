package io.flotta.examples.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.core.wire.Json;
import io.flotta.core.wire.Message;
import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated device: the agent's protocol (enrol, register with its own key, fetch or long-poll
 * its configuration, heartbeat, renew) over a {@link TransportClient}, without running workloads;
 * it reports every configured workload as running.
 */
final class SimulatedDevice {

    /** Where the calls of all devices are counted. */
    record Stats(OperationStats enrolment, OperationStats registration, OperationStats configuration,
            OperationStats longPoll, OperationStats heartbeat, OperationStats renewal) {
    }

    static final String MANUFACTURER = "flotta-sim";

    private final int index;
    private final String id;
    private final int workloads;
    private final TransportClient client;
    private final Stats stats;
    private final JsonNode hardware;
    private volatile String version;
    private volatile List<String> workloadNames = List.of();
    private volatile boolean paired;
    private volatile boolean hardwareSent;
    private volatile String marker;
    private volatile long markerSeenNanos;
    private volatile boolean stopping;
    private volatile int heartbeatsSent;
    private volatile boolean renewed;

    SimulatedDevice(int index, String id, int workloads, TransportClient client, Stats stats) {
        this.index = index;
        this.id = id;
        this.workloads = workloads;
        this.client = client;
        this.stats = stats;
        ObjectNode hw = JsonNodeFactory.instance.objectNode();
        hw.put("hostname", id);
        hw.putObject("cpu").put("architecture", "x86_64").put("model_name", "simulated");
        hw.putObject("system_vendor").put("manufacturer", MANUFACTURER).put("product_name", product(workloads))
                .put("serial_number", id);
        this.hardware = hw;
    }

    /** The {@code device.system-product} label of devices with {@code workloads} workloads. */
    static String product(int workloads) {
        return "w" + workloads;
    }

    int index() {
        return index;
    }

    String id() {
        return id;
    }

    int workloads() {
        return workloads;
    }

    boolean paired() {
        return paired;
    }

    /** Whether the last configuration held (at least) the workloads this device was given. */
    boolean configured() {
        return version != null && workloadNames.size() >= workloads;
    }

    /** Stops the device: calls cut short from now on are not errors. */
    void stop() {
        stopping = true;
        client.close();
    }

    // ------------------------------------------------------------------ pairing

    /**
     * Enrols until approved, then registers with a new key, as the agent does: the first time the
     * enrolment is only recorded (200), it registers at once, since a control plane that approves
     * automatically approves as it records. Returns whether the device holds a certificate.
     */
    boolean pair() {
        boolean recordedBefore = false;
        for (int attempt = 0; attempt < 50; attempt++) {
            ObjectNode content = JsonNodeFactory.instance.objectNode();
            content.putObject("features").set("hardware", hardware);
            DeviceResponse r = call(stats.enrolment(), DeviceRequest.of(Route.DATA_OUT, id, envelope("enrolment", content)),
                    200, 208);
            if (r != null && r.status() == 208) {
                return paired = register(stats.registration(), false);
            }
            if (r != null && !recordedBefore) {
                recordedBefore = true;
                if (register(stats.registration(), true)) {
                    return paired = true;
                }
            }
            sleep(Duration.ofMillis(r == null ? 500 : 20));
        }
        return false;
    }

    /**
     * Registration (or renewal, with the current identity) with a new key and CSR. Returns whether
     * the device holds its new certificate; with {@code mayAwaitApproval}, a 404 (enrolment not
     * approved yet) is not an error.
     */
    boolean register(OperationStats op, boolean mayAwaitApproval) {
        KeyPair keys = Keys.generateEcP256();
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("certificate_request", Csrs.create(keys, id));
        content.set("hardware", hardware);
        DeviceResponse r = call(op, DeviceRequest.of(Route.DATA_OUT, id, envelope("registration", content)),
                mayAwaitApproval ? new int[] {200, 404} : new int[] {200});
        if (r == null || r.status() != 200) {
            return false;
        }
        try {
            String pem = Json.readTree(r.body()).path("content").path("certificate").asText();
            List<X509Certificate> chain = Pem.readCertificates(pem);
            client.useIdentity(new ClientIdentity(keys.getPrivate(), chain));
            return true;
        } catch (RuntimeException e) {
            op.error("unusable registration answer: " + e.getMessage());
            return false;
        }
    }

    // ------------------------------------------------------------------ configuration

    /** One immediate, unconditional fetch of the full configuration (what upstream agents do every 5 s). */
    void fetchConfiguration() {
        DeviceResponse r = call(stats.configuration(), DeviceRequest.of(Route.DATA_IN, id, null), 200);
        if (r != null) {
            accept(r);
        }
    }

    /**
     * Long polls until {@code running} turns false, sending the heartbeats due meanwhile between two
     * polls, on the same connection: a poll waits at most until the next heartbeat is due. A
     * heartbeat on a connection of its own would cost a TLS handshake each time (the poll holds the
     * other), and a second connection kept open per device would double the descriptors on both sides.
     *
     * @param firstHeartbeat when the first heartbeat is due ({@link System#nanoTime()}), or
     *                       {@link Long#MAX_VALUE} for none
     */
    void longPollLoop(Duration wait, long firstHeartbeat, long heartbeatPeriodNanos,
            java.util.function.BooleanSupplier running, Runnable onHeartbeat) {
        long nextHeartbeat = firstHeartbeat;
        while (running.getAsBoolean()) {
            long untilHeartbeat = nextHeartbeat - System.nanoTime();
            // the wait is counted in whole seconds, and very short polls are waste: a heartbeat due
            // within two seconds goes now
            if (untilHeartbeat < 2_000_000_000L) {
                if (heartbeat()) {
                    onHeartbeat.run();
                }
                nextHeartbeat = Math.max(nextHeartbeat, System.nanoTime()) + heartbeatPeriodNanos;
                continue;
            }
            Duration poll = Duration.ofNanos(Math.min(wait.toNanos(), untilHeartbeat))
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            DeviceRequest request = DeviceRequest.of(Route.DATA_IN, id, null).withConditions(version, poll);
            DeviceResponse r = call(stats.longPoll(), request, 200, 304);
            if (!running.getAsBoolean()) {
                return;
            }
            if (r == null) {
                sleep(Duration.ofSeconds(1));
            } else if (r.status() == 200) {
                accept(r);
            }
        }
    }

    private void accept(DeviceResponse r) {
        String m = marker;
        if (m != null && markerSeenNanos == 0 && new String(r.body(), StandardCharsets.ISO_8859_1).contains(m)) {
            markerSeenNanos = System.nanoTime();
        }
        JsonNode content = Json.readTree(r.body()).path("content");
        List<String> names = new ArrayList<>();
        content.path("workloads").forEach(w -> names.add(w.path("name").asText()));
        workloadNames = List.copyOf(names);
        version = content.path("version").asText(null);
    }

    /** Starts watching for a configuration that contains {@code value}. */
    void expect(String value) {
        markerSeenNanos = 0;
        marker = value;
    }

    /** When a configuration with the expected value arrived ({@link System#nanoTime()}), or 0. */
    long markerSeenNanos() {
        return markerSeenNanos;
    }

    // ------------------------------------------------------------------ heartbeat and renewal

    /** Returns whether the heartbeat was accepted. */
    boolean heartbeat() {
        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.put("status", "up");
        hb.put("version", version == null ? "" : version);
        hb.put("time", io.flotta.core.wire.WireTime.format(Instant.now()));
        var list = hb.putArray("workloads");
        for (String name : workloadNames) {
            list.addObject().put("name", name).put("status", "Running");
        }
        hb.putArray("events");
        if (!hardwareSent) {
            hb.set("hardware", hardware);
        }
        DeviceResponse r = call(stats.heartbeat(), DeviceRequest.of(Route.DATA_OUT, id, envelope("heartbeat", hb)), 200);
        if (r != null) {
            hardwareSent = true;
        }
        heartbeatsSent++; // one thread per device at a time
        return r != null;
    }

    int heartbeatsSent() {
        return heartbeatsSent;
    }

    void renew() {
        register(stats.renewal(), false);
        renewed = true;
    }

    boolean renewed() {
        return renewed;
    }

    // ------------------------------------------------------------------ plumbing

    /** Sends and counts; returns the response when its status is one of {@code expected}, else null. */
    private DeviceResponse call(OperationStats op, DeviceRequest request, int... expected) {
        long start = System.nanoTime();
        DeviceResponse r;
        try {
            r = client.send(request);
        } catch (FlottaException e) {
            if (!stopping) {
                op.error(e.code() + ": " + e.getMessage());
            }
            return null;
        }
        for (int status : expected) {
            if (r.status() == status) {
                op.success(start, r.body().length);
                return r;
            }
        }
        op.error("HTTP " + r.status());
        return null;
    }

    private static byte[] envelope(String directive, JsonNode content) {
        return Json.write(Message.builder().type(Message.TYPE_DATA).responseTo("").sent(Instant.now())
                .directive(directive).metadata(NullNode.instance).content(content).build());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
