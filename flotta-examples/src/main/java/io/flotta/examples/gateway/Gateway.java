package io.flotta.examples.gateway;

import io.flotta.core.agent.DeviceIds;
import io.flotta.core.pki.Pem;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.core.wire.CanonicalFacts;
import io.flotta.core.wire.ConnectionStatus;
import io.flotta.core.wire.Json;
import io.flotta.core.wire.Message;
import io.flotta.examples.cli.GatewayCommand;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.transport.yggdrasil.GatewayConfig;
import io.flotta.transport.yggdrasil.GatewayMessages;
import io.flotta.transport.yggdrasil.GatewayReply;
import io.flotta.transport.yggdrasil.WorkerMessage;
import io.flotta.transport.yggdrasil.YggdrasilDispatcher;
import io.flotta.transport.yggdrasil.YggdrasilTransportClientProvider;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * A yggdrasil-compatible gateway built from the library: the device's one connection to the
 * control plane, with the agent (or upstream's device worker) as its worker over a unix socket.
 *
 * <p>It does what upstream's gateway does over HTTP: polls {@code control/in} (a {@code disconnect}
 * becomes {@code RECEIVED_DISCONNECT} for the workers) and {@code data/in} (each configuration goes
 * to the worker named by its directive), posts the workers' messages to {@code data/out} and its
 * connection status to {@code control/out}. Where the control plane offers our long poll it waits
 * on {@code data/in} instead of polling it. It reloads its certificate and key whenever the worker
 * rewrites them.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final Duration LONG_POLL = Duration.ofSeconds(30);

    private final GatewaySettings settings;
    private final IdentityFiles identityFiles;
    private final TransportClient client;
    private final Duration pollInterval;
    private final YggdrasilDispatcher dispatcher;
    private final WorkerProcesses workers;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gateway-status");
        t.setDaemon(true);
        return t;
    });
    private final List<Thread> loops = new ArrayList<>();
    private volatile boolean running = true;
    private volatile WorkerMessage lastConfiguration;
    private volatile String lastVersion;
    /** The certificate whose disconnect the workers were told of: the control plane repeats it on every poll. */
    private volatile BigInteger disconnectNotified;
    private volatile ClientIdentity current;

    private Gateway(GatewaySettings settings, List<WorkerSpec> specs, Path runDirectory, Duration pollInterval) {
        this.settings = settings;
        this.pollInterval = pollInterval;
        this.identityFiles = new IdentityFiles(settings.certFile(), settings.keyFile());
        ClientIdentity identity = identityFiles.load();
        this.current = identity;
        List<X509Certificate> anchors = new ArrayList<>();
        for (Path root : settings.caRoots()) {
            try {
                anchors.addAll(Pem.readCertificates(Files.readString(root)));
            } catch (IOException e) {
                throw new ConfigurationException("cannot read ca-root " + root + ": " + e.getMessage(), e);
            }
        }
        this.client = ProviderRegistry.discover(TransportClientProvider.class).select("http")
                .create(new TransportClientConfig(settings.serverUri(), anchors, identity, null, null));
        String socket = settings.socketAddr().isBlank()
                ? "unix:@yggd-dispatcher-" + Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36)
                : settings.socketAddr();
        this.dispatcher = YggdrasilDispatcher.start(socket, new Handler());
        this.workers = new WorkerProcesses(Map.of(YggdrasilTransportClientProvider.SOCKET_ENV, socket,
                "PATH", Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin:/bin")), runDirectory,
                dispatcher::processEnded);
        LOG.info("gateway {} started: control plane {}, dispatcher at {}, {} worker(s), certificate {}",
                settings.clientId(), settings.serverUri(), socket, specs.size(),
                identity.leaf().getSubjectX500Principal().getName());
        postConnectionStatus(Map.of());
        startLoop("gateway-control", this::controlLoop);
        startLoop("gateway-data", this::dataLoop);
        specs.forEach(workers::start);
    }

    /**
     * Starts a gateway from upstream's layout: {@code config} and the worker files in {@code workersDirectory}.
     *
     * @param runDirectory where the workers' pid files are kept
     * @param pollInterval how often control/in (and data/in, on servers without long poll) is polled;
     *                     upstream polls every 5 s
     */
    public static Gateway start(Path config, Path workersDirectory, Path runDirectory, Duration pollInterval) {
        GatewaySettings settings = GatewaySettings.read(config, DeviceIds.local());
        return new Gateway(settings, WorkerSpec.readAll(workersDirectory), runDirectory, pollInterval);
    }

    /** {@code Gateway --config FILE [--workers-dir DIR] [--poll-interval-seconds N]}, as {@code flotta gateway}. */
    public static void main(String[] args) {
        io.flotta.core.pki.HandshakeCryptoProvider.installUnlessDisabled();
        System.exit(new CommandLine(new GatewayCommand()).execute(args));
    }

    public String socketAddress() {
        return dispatcher.address();
    }

    private void startLoop(String name, Runnable body) {
        Thread t = new Thread(() -> {
            while (running) {
                try {
                    body.run();
                } catch (RuntimeException e) {
                    LOG.warn("{} failed; going on", name, e);
                    pause(pollInterval);
                }
            }
        }, name);
        t.setDaemon(true);
        loops.add(t);
        t.start();
    }

    private void controlLoop() {
        Optional<DeviceResponse> answer = request(DeviceRequest.of(Route.CONTROL_IN, settings.clientId(), null));
        if (answer.isPresent() && answer.get().status() == 200 && answer.get().hasBody()) {
            String command = GatewayMessages.command(answer.get().body());
            BigInteger serial = current.leaf().getSerialNumber();
            if (command.equals("disconnect") && !serial.equals(disconnectNotified)) {
                disconnectNotified = serial;
                LOG.warn("the control plane sent disconnect: notifying the workers");
                lastConfiguration = null;
                lastVersion = null;
                dispatcher.notifyDisconnect();
            } else if (!command.isEmpty() && !command.equals("disconnect")) {
                LOG.info("control command {} ignored", command);
            }
        }
        pause(pollInterval);
    }

    private void dataLoop() {
        String version = lastVersion;
        boolean longPoll = version != null;
        DeviceRequest request = DeviceRequest.of(Route.DATA_IN, settings.clientId(), null)
                .withConditions(version, longPoll ? LONG_POLL : Duration.ZERO);
        Optional<DeviceResponse> answer = request(request);
        if (answer.isPresent() && answer.get().status() == 200 && answer.get().hasBody()) {
            WorkerMessage message = GatewayMessages.toWorker(answer.get().body());
            lastConfiguration = message;
            lastVersion = answer.get().etag();
            deliver(message, 1);
            if (answer.get().etag() != null) {
                return; // long poll at once for the next change
            }
        } else if (answer.isPresent() && answer.get().status() == 304) {
            return;
        }
        pause(pollInterval);
    }

    private Optional<DeviceResponse> request(DeviceRequest request) {
        reloadIdentity();
        try {
            return Optional.of(client.send(request));
        } catch (FlottaException e) {
            LOG.debug("{} failed: {}", request.route(), e.getMessage());
            return Optional.empty();
        }
    }

    private void deliver(WorkerMessage message, int attempts) {
        for (int i = 0; i < attempts; i++) {
            try {
                if (!dispatcher.dispatch(message)) {
                    LOG.debug("no worker for directive {} yet", message.directive());
                }
                return;
            } catch (FlottaException e) {
                LOG.debug("delivery of {} failed: {}", message.messageId(), e.getMessage());
                pause(Duration.ofMillis(200));
            }
        }
        LOG.warn("could not deliver {} to worker {}", message.messageId(), message.directive());
    }

    private void reloadIdentity() {
        identityFiles.changed().ifPresent(identity -> {
            current = identity;
            client.useIdentity(identity);
            LOG.info("reloaded the client certificate {}", identity.leaf().getSubjectX500Principal().getName());
        });
    }

    private void postConnectionStatus(Map<String, Map<String, String>> dispatchers) {
        background.submit(() -> {
            ConnectionStatus status = new ConnectionStatus(new CanonicalFacts("", DeviceIds.local(), "",
                    settings.clientId(), List.of(), List.of(), hostname()), dispatchers, ConnectionStatus.STATE_ONLINE, null);
            byte[] body = Json.write(Message.builder().type(Message.TYPE_CONNECTION_STATUS).responseTo("")
                    .content(Json.toTree(status)).build());
            request(DeviceRequest.of(Route.CONTROL_OUT, settings.clientId(), body));
        });
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "";
        }
    }

    private void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops the workers (SIGTERM), then the dispatcher and the connection. */
    @Override
    public void close() {
        running = false;
        workers.close();
        loops.forEach(Thread::interrupt);
        background.shutdownNow();
        dispatcher.close();
        client.close();
        LOG.info("gateway stopped");
    }

    private final class Handler implements YggdrasilDispatcher.Handler {

        @Override
        public GatewayReply send(WorkerMessage message) {
            reloadIdentity();
            byte[] envelope = GatewayMessages.dataOut(message, Instant.now());
            DeviceResponse answer = client.send(DeviceRequest.of(Route.DATA_OUT, settings.clientId(), envelope));
            LOG.debug("data/out {} -> {}", message.directive(), answer.status());
            return new GatewayReply(answer.status(), answer.body(),
                    answer.etag() == null ? Map.of() : Map.of("Etag", answer.etag()));
        }

        @Override
        public GatewayConfig config() {
            return new GatewayConfig(settings.logLevel(), settings.clientId(), dispatcher.address(), settings.server(),
                    settings.certFile().toString(), settings.keyFile().toString(),
                    settings.caRoots().isEmpty() ? "" : settings.caRoots().get(0).toString());
        }

        @Override
        public void workersChanged(Map<String, Map<String, String>> registered) {
            postConnectionStatus(registered);
            WorkerMessage configuration = lastConfiguration;
            if (configuration != null && registered.containsKey(configuration.directive())) {
                // a (re)started worker gets the current configuration once its server is up
                background.submit(() -> deliver(configuration, 25));
            }
        }
    }
}
