package io.flotta.core.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.core.model.ModelJson;
import io.flotta.core.wire.Json;
import io.flotta.core.wire.Message;
import io.flotta.core.wire.WireTime;
import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.spi.FlottaException;
import io.flotta.spi.runtime.Workload;
import io.flotta.spi.runtime.WorkloadEvent;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadStatus;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportClientProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device agent: pairs with the control plane, keeps the device's workloads as configured,
 * reports heartbeats and renews its certificate before it expires.
 *
 * <pre>{@code
 * Agent agent = Agent.builder()
 *         .bootstrap(BootstrapBundle.read(Path.of("/etc/flotta")))
 *         .stateDirectory(Path.of("/var/lib/flotta"))
 *         .transport(new HttpTransportClientProvider())
 *         .runtime(runtime)
 *         .build();
 * agent.start();
 * }</pre>
 *
 * <p>Lifecycle: enrol (retrying with backoff and jitter until approved; a control plane that
 * approves as it records the enrolment is not waited for) → new EC key and CSR → register → store
 * certificate and key → pull configuration (long poll when the server offers it, polling every
 * 5 s otherwise) → apply workloads → heartbeats every {@code period_seconds} → renew
 * at two thirds of the certificate's remaining lifetime, and re-register on a 401 → on
 * {@code disconnect}, remove workloads, wipe state and stop. Everything needed to keep running
 * (identity, last configuration) is on disk, so a restarted agent re-applies its workloads without
 * the control plane and keeps its device id.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Duration UPSTREAM_POLL = Duration.ofSeconds(5);
    private static final Duration MIN_POLL_WAIT = Duration.ofSeconds(1);
    /** What upstream agents send for a workload whose data was never uploaded. */
    private static final String NEVER_UPLOADED = "0001-01-01T00:00:00.000Z";

    /** Where the agent is in its lifecycle. */
    public enum Phase { STARTING, ENROLLING, REGISTERING, RUNNING, DISCONNECTED, STOPPED }

    private final BootstrapBundle bootstrap;
    private final AgentState state;
    private final TransportClientProvider transportProvider;
    private final WorkloadRuntime runtime;
    private final Supplier<JsonNode> hardware;
    private final Clock clock;
    private final Duration longPoll;
    private final Duration controlPollInterval;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final String namespace;

    private final Map<String, String> deployErrors = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<WorkloadEvent> pendingEvents = new ConcurrentLinkedDeque<>();
    /** Events in the heartbeat being sent; put back if it is not accepted. */
    private final List<WorkloadEvent> eventsInFlight = new ArrayList<>();
    private final AtomicLong heartbeatsAccepted = new AtomicLong();
    private final AtomicLong unauthorizedAnswers = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object pairingLock = new Object();
    /**
     * One request at a time, so that a device holds one connection: with a long poll parked, a
     * heartbeat or control poll would otherwise open a second one, doubling the control plane's
     * descriptors per device. Fair, so a heartbeat waiting for the poll goes before the next poll;
     * a poll's wait ends when the next heartbeat or control poll is due ({@link #pollWait}).
     */
    private final ReentrantLock connection = new ReentrantLock(true);
    private final AtomicBoolean disconnecting = new AtomicBoolean();

    private volatile String deviceId;
    private volatile Phase phase = Phase.STARTING;
    private volatile TransportClient client;
    private volatile X509Certificate deviceCertificate;
    private volatile Instant renewAt;
    private volatile boolean serverLongPolls;
    /**
     * When the heartbeat and control loops next need the connection (their start time while they
     * use it); null for a heartbeat on its period, which is due at {@link #heartbeatSentAt} plus the
     * current period, so that a new period counts at once.
     */
    private volatile Instant heartbeatDue;
    private volatile Instant controlDue;
    private volatile Instant heartbeatSentAt;
    private volatile String configVersion;
    private volatile Duration heartbeatPeriod = Duration.ofSeconds(60);
    private volatile JsonNode lastHardwareSent;
    private volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();
    private AutoCloseable runtimeWatch;
    /** Workload data upload; null when no object storage is configured. */
    private final DataUploads uploads;

    private Agent(Builder b) {
        this.bootstrap = Objects.requireNonNull(b.bootstrap, "bootstrap");
        this.state = new AgentState(Objects.requireNonNull(b.stateDirectory, "stateDirectory"));
        this.transportProvider = Objects.requireNonNull(b.transport, "transport");
        this.runtime = Objects.requireNonNull(b.runtime, "runtime");
        this.hardware = b.hardware != null ? b.hardware : new HardwareInfoCollector()::collect;
        this.clock = b.clock;
        this.longPoll = b.longPoll;
        this.controlPollInterval = b.controlPollInterval;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.namespace = b.namespace;
        this.uploads = b.objectStorage == null ? null : new DataUploads(b.objectStorage, clock, pendingEvents::add,
                b.dataUploadInterval, initialBackoff);
        this.deviceId = state.deviceId().orElseGet(() -> {
            String id = (b.deviceId != null ? b.deviceId : DeviceIds.local()).toLowerCase(Locale.ROOT);
            state.saveDeviceId(id);
            return id;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    public String deviceId() {
        return deviceId;
    }

    /** The transport provider's name and the server it speaks to, e.g. {@code grpc to https://host:8045}. */
    public String transport() {
        return transportProvider.name() + " to " + bootstrap.server();
    }

    public Phase phase() {
        return phase;
    }

    /** The version of the configuration the agent applied last, or null. */
    public String configurationVersion() {
        return configVersion;
    }

    public long heartbeatsAccepted() {
        return heartbeatsAccepted.get();
    }

    /** How many 401 answers the agent has received (each makes it re-register). */
    public long unauthorizedAnswers() {
        return unauthorizedAnswers.get();
    }

    public Optional<X509Certificate> deviceCertificate() {
        return Optional.ofNullable(deviceCertificate);
    }

    /** Blocks until the agent stopped (after {@code disconnect} or {@link #close()}). */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the agent's threads and returns. Workloads from the last stored configuration are
     * applied first, so the device runs them even while the control plane is unreachable.
     */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        Optional<ClientIdentity> identity = state.identity();
        identity.ifPresent(id -> adoptCertificate(id.leaf()));
        client = transportProvider.create(new TransportClientConfig(bootstrap.server(), bootstrap.caCertificates(),
                identity.orElse(bootstrap.registration()), null, null));
        runtimeWatch = runtime.watch(pendingEvents::add);
        state.configuration().ifPresent(config -> {
            LOG.info("applying the stored configuration {} before contacting the control plane",
                    config.path("version").asText());
            applyConfiguration(config);
        });
        // until the heartbeat and control loops have their own schedule, polls stay short
        heartbeatDue = clock.instant();
        controlDue = clock.instant();
        startThread("flotta-agent-config", this::configurationLoop);
        startThread("flotta-agent-heartbeat", this::heartbeatLoop);
        startThread("flotta-agent-control", this::controlLoop);
    }

    private void startThread(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (StopException e) {
                LOG.debug("{} stopped", name);
            } catch (RuntimeException e) {
                if (running) {
                    throw e;
                }
                // close() interrupted a write or a call (e.g. ClosedByInterruptException): not a failure
                LOG.debug("{} stopped during {}", name, e.toString());
            }
        }, name + "-" + deviceId.substring(0, Math.min(8, deviceId.length())));
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    // ---------------------------------------------------------------- pairing

    /** Makes sure the agent holds a device certificate; enrols and registers if not. */
    private void ensureRegistered() {
        synchronized (pairingLock) {
            // a control plane that approves automatically does so as it records the enrolment (200):
            // the first time, registering at once saves waiting out a backoff for the 208
            boolean awaitApproval = false;
            while (deviceCertificate == null) {
                checkRunning();
                phase = Phase.ENROLLING;
                enrol(awaitApproval);
                awaitApproval = true;
                phase = Phase.REGISTERING;
                if (!register(bootstrap.registration())) {
                    continue;
                }
            }
            phase = Phase.RUNNING;
        }
    }

    /**
     * Enrols until the control plane answers 208 (approved), or, unless {@code awaitApproval}, until
     * it answers 200 (recorded).
     */
    private void enrol(boolean awaitApproval) {
        Backoff backoff = new Backoff(initialBackoff, maxBackoff);
        while (true) {
            ObjectNode content = JsonNodeFactory.instance.objectNode();
            content.putObject("features").set("hardware", hardware.get());
            content.put("target_namespace", namespace);
            Optional<DeviceResponse> answer = sendQuietly(Route.DATA_OUT, envelope("enrolment", content));
            int status = answer.map(DeviceResponse::status).orElse(0);
            if (status == 208 || (status == 200 && !awaitApproval)) {
                return;
            }
            if (status == 200) {
                LOG.info("enrolment of {} awaits approval", deviceId);
            }
            sleep(backoff.next());
        }
    }

    /**
     * Registers (or renews) with a new key and CSR, using {@code identity} for TLS. Returns false
     * when the control plane refused (the caller falls back to enrolment).
     */
    private boolean register(ClientIdentity identity) {
        Backoff backoff = new Backoff(initialBackoff, maxBackoff);
        KeyPair keys = Keys.generateEcP256();
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("certificate_request", Csrs.create(keys, deviceId));
        content.set("hardware", hardware.get());
        while (true) {
            checkRunning();
            client.useIdentity(identity);
            Optional<DeviceResponse> answer = sendQuietly(Route.DATA_OUT, envelope("registration", content));
            if (answer.isEmpty() || answer.get().status() >= 500) {
                sleep(backoff.next());
                continue;
            }
            DeviceResponse r = answer.get();
            if (r.status() != 200) {
                if (r.status() == 404 && deviceCertificate == null) {
                    LOG.info("registration of {} awaits approval", deviceId);
                } else {
                    LOG.warn("registration of {} refused with {}", deviceId, r.status());
                }
                if (deviceCertificate != null) {
                    // keep using the current certificate; the caller decides what to do
                    client.useIdentity(state.identity().orElse(bootstrap.registration()));
                }
                return false;
            }
            try {
                JsonNode message = ModelJson.mapper().readTree(r.body());
                List<X509Certificate> chain = Pem.readCertificates(message.path("content").path("certificate").asText());
                ClientIdentity deviceIdentity = new ClientIdentity(keys.getPrivate(), chain);
                state.saveIdentity(deviceIdentity);
                client.useIdentity(deviceIdentity);
                adoptCertificate(deviceIdentity.leaf());
                LOG.info("device {} holds a certificate valid until {}", deviceId, deviceIdentity.leaf().getNotAfter().toInstant());
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.warn("registration answer of {} unusable: {}", deviceId, e.getMessage());
                sleep(backoff.next());
            }
        }
    }

    private void adoptCertificate(X509Certificate certificate) {
        deviceCertificate = certificate;
        Instant now = clock.instant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        // two thirds of what is left, measured from now: NotBefore is skewed back by the CA
        Duration left = Duration.between(now, notAfter);
        renewAt = left.isNegative() ? now : now.plus(left.multipliedBy(2).dividedBy(3));
    }

    /** Renews with the current (possibly expired) device certificate; falls back to pairing anew. */
    private void renew() {
        synchronized (pairingLock) {
            Optional<ClientIdentity> current = state.identity();
            if (current.isPresent() && register(current.get())) {
                return;
            }
            LOG.warn("renewal of {} failed; enrolling again with the registration certificate", deviceId);
            deviceCertificate = null;
            client.useIdentity(bootstrap.registration());
        }
        ensureRegistered();
    }

    private void renewIfDue() {
        if (!renewalDue()) {
            return;
        }
        synchronized (pairingLock) {
            // every loop checks; the first to get the lock renews, the others find it done
            if (renewalDue()) {
                LOG.info("renewing the certificate of {}", deviceId);
                renew();
            }
        }
    }

    private boolean renewalDue() {
        Instant due = renewAt;
        return deviceCertificate != null && due != null && !clock.instant().isBefore(due);
    }

    // ---------------------------------------------------------------- loops

    private void configurationLoop() {
        ensureRegistered();
        Backoff backoff = new Backoff(initialBackoff, maxBackoff);
        while (true) {
            checkRunning();
            renewIfDue();
            Duration wait = serverLongPolls ? pollWait() : Duration.ZERO;
            DeviceRequest request = DeviceRequest.of(Route.DATA_IN, deviceId, null)
                    .withConditions(serverLongPolls ? configVersion : null, wait);
            Optional<DeviceResponse> answer = sendQuietly(request);
            if (answer.isEmpty()) {
                sleep(backoff.next());
                continue;
            }
            DeviceResponse r = answer.get();
            switch (r.status()) {
                case 200 -> {
                    backoff.reset();
                    serverLongPolls = r.etag() != null;
                    onConfiguration(r.body());
                    if (!serverLongPolls) {
                        sleep(UPSTREAM_POLL);
                    }
                }
                case 304 -> backoff.reset();
                case 401 -> onUnauthorized();
                case 404 -> {
                    // unknown to the control plane: maybe deleted, which control/in would tell
                    checkControl();
                    sleep(backoff.next());
                }
                default -> sleep(backoff.next());
            }
        }
    }

    /**
     * How long the next long poll may wait: until the next heartbeat, control poll or certificate
     * renewal is due, at most {@link #longPoll}, in whole seconds (the wire's unit) and at least
     * one, so that polls go on whatever the other loops do; a heartbeat due meanwhile waits at most
     * that second. A renewal already due is made by this loop before it polls.
     */
    private Duration pollWait() {
        Instant now = clock.instant();
        Duration wait = longPoll;
        Instant renewal = renewAt;
        Instant renewalAhead = renewal != null && renewal.isAfter(now) ? renewal : null;
        Instant sent = heartbeatSentAt;
        Instant nextHeartbeat = sent == null ? null : sent.plus(heartbeatPeriod);
        for (Instant due : new Instant[] {heartbeatDue, nextHeartbeat, controlDue, renewalAhead}) {
            if (due != null && Duration.between(now, due).compareTo(wait) < 0) {
                wait = Duration.between(now, due);
            }
        }
        wait = wait.truncatedTo(ChronoUnit.SECONDS);
        Duration floor = longPoll.compareTo(MIN_POLL_WAIT) < 0 ? longPoll : MIN_POLL_WAIT;
        return wait.compareTo(floor) < 0 ? floor : wait;
    }

    private void heartbeatLoop() {
        ensureRegistered();
        Backoff backoff = new Backoff(initialBackoff, maxBackoff);
        while (true) {
            checkRunning();
            renewIfDue();
            heartbeatDue = clock.instant();
            Optional<DeviceResponse> answer = sendQuietly(Route.DATA_OUT, envelope("heartbeat", heartbeat()));
            int status = answer.map(DeviceResponse::status).orElse(0);
            if (status != 200) {
                for (int i = eventsInFlight.size() - 1; i >= 0; i--) {
                    pendingEvents.addFirst(eventsInFlight.get(i));
                }
            }
            eventsInFlight.clear();
            if (status == 200) {
                heartbeatsAccepted.incrementAndGet();
                backoff.reset();
                awaitNextHeartbeat(clock.instant());
            } else if (status == 401) {
                onUnauthorized();
            } else {
                if (status == 404) {
                    checkControl();
                }
                // unreachable or failing: retry sooner than a full period, so the control plane
                // sees the device again quickly when it comes back
                lastHardwareSent = null;
                Duration retry = backoff.next();
                heartbeatDue = clock.instant().plus(retry);
                sleep(retry);
            }
        }
    }

    /** Sleeps until the next heartbeat is due, renewing the certificate on time meanwhile. */
    private void awaitNextHeartbeat(Instant lastSent) {
        heartbeatSentAt = lastSent;
        heartbeatDue = null;
        while (true) {
            renewIfDue();
            Instant now = clock.instant();
            Instant next = lastSent.plus(heartbeatPeriod);
            if (!now.isBefore(next)) {
                return;
            }
            Instant wake = next;
            Instant renewal = renewAt;
            if (renewal != null && renewal.isBefore(wake)) {
                wake = renewal;
            }
            // short naps: a new heartbeat period from the configuration takes effect quickly
            sleep(Duration.ofMillis(Math.max(10, Math.min(1000, Duration.between(now, wake).toMillis()))));
        }
    }

    private void controlLoop() {
        ensureRegistered();
        while (true) {
            checkRunning();
            renewIfDue();
            controlDue = clock.instant();
            checkControl();
            controlDue = clock.instant().plus(controlPollInterval);
            sleep(controlPollInterval);
        }
    }

    private void checkControl() {
        Optional<DeviceResponse> answer = sendQuietly(DeviceRequest.of(Route.CONTROL_IN, deviceId, null));
        if (answer.isEmpty() || answer.get().status() != 200 || !answer.get().hasBody()) {
            return;
        }
        try {
            JsonNode message = ModelJson.mapper().readTree(answer.get().body());
            if ("disconnect".equals(message.path("content").path("command").asText())) {
                disconnect();
            }
        } catch (IOException e) {
            LOG.warn("unreadable control message: {}", e.getMessage());
        }
    }

    private void onUnauthorized() {
        unauthorizedAnswers.incrementAndGet();
        LOG.info("the control plane answered 401 to {}; registering again", deviceId);
        renew();
    }

    /** The control plane deleted this device: remove its workloads, forget everything, stop. */
    private void disconnect() {
        // every loop may learn of the deletion at the same moment; one of them cleans up
        if (!disconnecting.compareAndSet(false, true)) {
            throw new StopException();
        }
        LOG.warn("device {} was deleted by the control plane: removing workloads and state", deviceId);
        running = false;
        for (WorkloadStatus w : runtime.list()) {
            try {
                runtime.remove(w.name());
            } catch (FlottaException e) {
                LOG.warn("could not remove workload {}: {}", w.name(), e.getMessage());
            }
        }
        if (uploads != null) {
            uploads.close();
        }
        state.wipe();
        deviceCertificate = null;
        configVersion = null;
        phase = Phase.DISCONNECTED;
        // the other loops may sit in a long poll or a sleep: wake them so they see we stopped
        threads.stream().filter(t -> t != Thread.currentThread()).forEach(Thread::interrupt);
        stopped.countDown();
        throw new StopException();
    }

    // ---------------------------------------------------------------- configuration

    private void onConfiguration(byte[] body) {
        JsonNode content;
        try {
            content = ModelJson.mapper().readTree(body).path("content");
        } catch (IOException e) {
            LOG.warn("unreadable configuration: {}", e.getMessage());
            return;
        }
        if (!content.isObject()) {
            return;
        }
        String version = content.path("version").asText(null);
        if (version != null && version.equals(configVersion)) {
            return;
        }
        state.saveConfiguration(content);
        applyConfiguration(content);
    }

    private synchronized void applyConfiguration(JsonNode content) {
        long period = content.path("configuration").path("heartbeat").path("period_seconds").asLong(0);
        if (period > 0) {
            heartbeatPeriod = Duration.ofSeconds(period);
        }
        Map<String, Workload> desired = new LinkedHashMap<>();
        for (JsonNode w : content.path("workloads")) {
            Workload workload = workload(w);
            desired.put(workload.name(), workload);
        }
        for (Workload w : desired.values()) {
            try {
                Files.createDirectories(w.dataDirectory());
                runtime.apply(w);
                deployErrors.remove(w.name());
            } catch (FlottaException | IOException e) {
                String reason = e.getMessage();
                LOG.warn("workload {} failed to deploy: {}", w.name(), reason);
                if (!reason.equals(deployErrors.put(w.name(), reason))) {
                    pendingEvents.add(new WorkloadEvent(w.name(), true, "FailedToDeploy", reason, clock.instant()));
                }
            }
        }
        for (WorkloadStatus running : runtime.list()) {
            if (!desired.containsKey(running.name())) {
                try {
                    runtime.remove(running.name());
                    pendingEvents.add(new WorkloadEvent(running.name(), false, "Removed",
                            "no longer configured for this device", clock.instant()));
                } catch (FlottaException e) {
                    LOG.warn("could not remove workload {}: {}", running.name(), e.getMessage());
                }
            }
        }
        deployErrors.keySet().retainAll(desired.keySet());
        if (uploads != null) {
            Map<String, Path> dataDirectories = new LinkedHashMap<>();
            desired.values().forEach(w -> dataDirectories.put(w.name(), w.dataDirectory()));
            uploads.configure(content, dataDirectories);
        }
        configVersion = content.path("version").asText(null);
        LOG.info("device {} applied configuration {} ({} workload(s))", deviceId, configVersion, desired.size());
    }

    private Workload workload(JsonNode w) {
        String name = w.path("name").asText();
        Map<String, String> labels = ModelJson.mapper().convertValue(w.path("labels").isObject() ? w.path("labels")
                : JsonNodeFactory.instance.objectNode(), Map.class);
        Map<String, String> annotations = ModelJson.mapper().convertValue(w.path("annotations").isObject()
                ? w.path("annotations") : JsonNodeFactory.instance.objectNode(), Map.class);
        List<String> configMaps = new ArrayList<>();
        w.path("configmaps").forEach(c -> configMaps.add(c.asText()));
        String authFile = w.path("imageRegistries").path("authFile").asText(null);
        return new Workload(name, deviceId, w.path("specification").asText(), labels, annotations, configMaps,
                List.of(), authFile, state.dataDirectory(name));
    }

    // ---------------------------------------------------------------- heartbeat

    private ObjectNode heartbeat() {
        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.put("status", "up");
        hb.put("version", configVersion == null ? "" : configVersion);
        hb.put("time", WireTime.format(clock.instant()));
        ArrayNode workloads = hb.putArray("workloads");
        Set<String> reported = new HashSet<>();
        try {
            for (WorkloadStatus s : runtime.list()) {
                reported.add(s.name());
                ObjectNode w = workloads.addObject().put("name", s.name()).put("status", s.phase().wireName());
                if (uploads != null) {
                    w.put("last_data_upload", uploads.lastUpload(s.name()).map(WireTime::format)
                            .orElse(NEVER_UPLOADED));
                }
            }
        } catch (FlottaException e) {
            LOG.warn("cannot list workloads: {}", e.getMessage());
        }
        deployErrors.keySet().stream().filter(n -> !reported.contains(n))
                .forEach(n -> workloads.addObject().put("name", n).put("status", "Failed"));
        ArrayNode events = hb.putArray("events");
        for (WorkloadEvent e = pendingEvents.pollFirst(); e != null; e = pendingEvents.pollFirst()) {
            eventsInFlight.add(e);
            events.addObject().put("type", e.warning() ? "warn" : "info").put("reason", e.reason())
                    .put("message", e.workload() + ": " + e.message());
        }
        JsonNode hw = hardware.get();
        if (lastHardwareSent == null || !hw.equals(lastHardwareSent)) {
            hb.set("hardware", hw);
            lastHardwareSent = hw;
        }
        return hb;
    }

    // ---------------------------------------------------------------- plumbing

    /** A data envelope as the upstream gateway writes it ({@code response_to} empty, {@code metadata} null). */
    private byte[] envelope(String directive, JsonNode content) {
        return Json.write(Message.builder().type(Message.TYPE_DATA).responseTo("").sent(clock.instant())
                .directive(directive).metadata(NullNode.instance).content(content).build());
    }

    private Optional<DeviceResponse> sendQuietly(Route route, byte[] body) {
        return sendQuietly(DeviceRequest.of(route, deviceId, body));
    }

    private Optional<DeviceResponse> sendQuietly(DeviceRequest request) {
        checkRunning();
        try {
            connection.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StopException();
        }
        try {
            return Optional.of(client.send(request));
        } catch (FlottaException e) {
            LOG.debug("{} for {} failed: {}", request.route(), deviceId, e.getMessage());
            return Optional.empty();
        } finally {
            connection.unlock();
        }
    }

    private void sleep(Duration d) {
        checkRunning();
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StopException();
        }
        checkRunning();
    }

    private void checkRunning() {
        if (!running || Thread.currentThread().isInterrupted()) {
            throw new StopException();
        }
    }

    /** Stops the agent's threads; workloads keep running (the device keeps working unattended). */
    @Override
    public void close() {
        synchronized (this) {
            running = false;
        }
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (uploads != null) {
            uploads.close();
        }
        if (runtimeWatch != null) {
            try {
                runtimeWatch.close();
            } catch (Exception e) {
                LOG.debug("closing the runtime watch failed", e);
            }
        }
        if (client != null) {
            client.close();
        }
        if (phase != Phase.DISCONNECTED) {
            phase = Phase.STOPPED;
        }
        stopped.countDown();
    }

    /** Unwinds a loop when the agent stops. */
    private static final class StopException extends RuntimeException {
        StopException() {
            super(null, null, false, false);
        }
    }

    /** Builds an {@link Agent}. */
    public static final class Builder {
        private BootstrapBundle bootstrap;
        private Path stateDirectory;
        private TransportClientProvider transport;
        private String transportName;
        private WorkloadRuntime runtime;
        private Supplier<JsonNode> hardware;
        private Clock clock = Clock.systemUTC();
        private String deviceId;
        private String namespace = "default";
        private Duration longPoll = Duration.ofSeconds(30);
        private Duration controlPollInterval = Duration.ofSeconds(30);
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private io.flotta.spi.storage.ObjectStorage objectStorage;
        private Duration dataUploadInterval = Duration.ofSeconds(60);

        public Builder bootstrap(BootstrapBundle value) {
            this.bootstrap = value;
            return this;
        }

        public Builder stateDirectory(Path value) {
            this.stateDirectory = value;
            return this;
        }

        public Builder transport(TransportClientProvider value) {
            this.transport = value;
            return this;
        }

        /**
         * Picks the transport provider by name (e.g. {@code grpc}) and the bundle's server for it. Without
         * a provider or a name, the agent uses the transport the bundle names, or, when the bundle names
         * only the default, the best available provider ({@code flotta.transport.client} system property,
         * then priority: the yggdrasil worker wins when a gateway started the agent).
         */
        public Builder transport(String name) {
            this.transportName = name == null || name.isBlank() ? null : name.strip();
            return this;
        }

        public Builder runtime(WorkloadRuntime value) {
            this.runtime = value;
            return this;
        }

        /** Replaces the hardware collector (simulators, tests). */
        public Builder hardware(Supplier<JsonNode> value) {
            this.hardware = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The device id to use on first start; later starts keep the stored one. Default: the machine id. */
        public Builder deviceId(String value) {
            this.deviceId = value;
            return this;
        }

        /** The namespace asked for at enrolment. */
        public Builder namespace(String value) {
            this.namespace = Objects.requireNonNull(value, "namespace");
            return this;
        }

        /** How long one configuration long poll waits on servers that support it. */
        public Builder longPoll(Duration value) {
            this.longPoll = Objects.requireNonNull(value, "longPoll");
            return this;
        }

        /** How often {@code control/in} is polled (it is also polled at once when the device looks unknown). */
        public Builder controlPollInterval(Duration value) {
            this.controlPollInterval = Objects.requireNonNull(value, "controlPollInterval");
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = Objects.requireNonNull(initial, "initial");
            this.maxBackoff = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * Uploads each workload's data directory to the bucket the configuration names
         * ({@code storage.s3}). Optional; the storage is the integrator's and is not closed by the agent.
         */
        public Builder objectStorage(io.flotta.spi.storage.ObjectStorage value) {
            this.objectStorage = value;
            return this;
        }

        /** Upload interval when the configuration sets no {@code workloads_monitoring_interval}. Default 60 s. */
        public Builder dataUploadInterval(Duration value) {
            this.dataUploadInterval = Objects.requireNonNull(value, "dataUploadInterval");
            return this;
        }

        public Agent build() {
            if (transport == null && bootstrap != null) {
                if (transportName != null) {
                    bootstrap = bootstrap.forTransport(transportName);
                }
                String named = bootstrap.transport().equals(BootstrapBundle.DEFAULT_TRANSPORT) ? null : bootstrap.transport();
                transport = ProviderRegistry.discover(TransportClientProvider.class).selectConfigured(named);
                if (bootstrap.endpoints().containsKey(transport.name())) {
                    bootstrap = bootstrap.forTransport(transport.name());
                }
            }
            return new Agent(this);
        }
    }
}
