package io.flotta.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.runtime.Workload;
import io.flotta.spi.runtime.WorkloadEvent;
import io.flotta.spi.runtime.WorkloadPhase;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@link WorkloadRuntime} on podman: one pod per workload, made with {@code podman kube play},
 * listed with {@code podman pod ps}, watched through {@code podman events}.
 *
 * <p>Ownership: every pod it makes carries {@link Labels#MANAGED} and its {@link Labels#OWNER};
 * pods without both are never listed, replaced or removed. Idempotence: the pod's {@link Labels#HASH} label is a hash of
 * everything it was made from, so an unchanged workload costs one {@code pod ps}.
 */
public final class PodmanWorkloadRuntime implements WorkloadRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(PodmanWorkloadRuntime.class);
    /** How long a stopped container's id is remembered so its death reads as Stopped, not Died. */
    private static final Duration STOPPING_MEMORY = Duration.ofMinutes(2);

    private final PodmanSettings settings;
    private final ExecutorService io;
    private final ExecutorService dispatcher;
    private final PodmanCli cli;
    private final WorkloadRenderer renderer;
    private final HostPorts hostPorts;

    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, WorkloadStatus> failures = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastChange = new ConcurrentHashMap<>();
    private final Map<String, Instant> stopping = new ConcurrentHashMap<>();
    private final List<Consumer<WorkloadEvent>> listeners = new CopyOnWriteArrayList<>();
    private PodmanEventStream events; // guarded by this
    private volatile boolean closed;

    public PodmanWorkloadRuntime(PodmanSettings settings) {
        this.settings = settings;
        this.io = Executors.newCachedThreadPool(daemonThreads("flotta-podman-io"));
        this.dispatcher = Executors.newSingleThreadExecutor(daemonThreads("flotta-podman-events-dispatch"));
        this.cli = new PodmanCli(settings.binary(), settings.commandTimeout(), io);
        this.renderer = new WorkloadRenderer(settings.directory(), settings.stopTimeout(), settings.owner());
        this.hostPorts = new HostPorts(settings.nft(), settings.nftTable(), "input", this::publish);
    }

    /** The firewall component, for callers that want to see which ports are open. */
    public HostPorts hostPorts() {
        return hostPorts;
    }

    @Override
    public void apply(Workload workload) {
        Objects.requireNonNull(workload, "workload");
        ensureOpen();
        String name = workload.name();
        WorkloadRenderer.validateName(name);
        synchronized (lock(name)) {
            try {
                RenderedWorkload rendered = renderer.render(workload);
                PodInfo existing = findPod(name);
                if (existing != null && !owned(existing)) {
                    throw new FlottaException(Code.INVALID_ARGUMENT, "workload '" + name + "': a pod named '" + name
                            + "' exists that " + (existing.managed() ? "another Flotta runtime (owner '"
                            + existing.owner() + "') created" : "Flotta did not create") + "; it is left alone");
                }
                if (existing != null && existing.hash().equals(rendered.hash())) {
                    keepRunning(existing, rendered);
                } else {
                    deploy(rendered, existing);
                }
                failures.remove(name);
            } catch (FlottaException e) {
                Instant now = Instant.now();
                failures.put(name, new WorkloadStatus(name, WorkloadPhase.FAILED, e.getMessage(), now));
                LOG.warn("deploying workload '{}' failed: {}", name, e.getMessage());
                // no event: the caller gets the exception and reports it (the agent once per reason,
                // where an event here would repeat on every configuration the workload is part of)
                throw e;
            }
        }
    }

    /** The pod is what the workload asks for; make sure it runs and its ports are open (both are lost on reboot). */
    private void keepRunning(PodInfo pod, RenderedWorkload rendered) {
        hostPorts.open(rendered.name(), rendered.hostPorts());
        boolean down = Set.of("Exited", "Stopped", "Created").contains(pod.status());
        if (down && "Always".equals(rendered.restartPolicy())) {
            LOG.info("workload '{}' is unchanged but its pod is {}; starting it", rendered.name(), pod.status());
            cli.check(List.of("pod", "start", pod.name()), Code.UNAVAILABLE, "podman pod start " + pod.name());
        }
    }

    private void deploy(RenderedWorkload rendered, PodInfo existing) {
        String name = rendered.name();
        Path authFile = writeAuthFile(rendered);
        // pull before tearing the old pod down: a bad image then leaves the running version alone
        pullMissingImages(rendered, authFile);
        prepareHost(rendered);
        syncSecrets(name, rendered.podmanSecrets());
        hostPorts.open(name, rendered.hostPorts());
        if (existing != null) {
            stopAndRemove(existing);
        }
        List<String> play = new ArrayList<>(List.of("kube", "play"));
        if (authFile != null) {
            play.add("--authfile");
            play.add(authFile.toString());
        }
        play.add("-");
        PodmanCli.Result result = cli.run(play, rendered.manifest().getBytes(StandardCharsets.UTF_8));
        if (!result.ok()) {
            // kube play leaves a half-made pod behind (e.g. an unknown image): remove it and its ports
            cli.run(List.of("pod", "rm", "--force", "--ignore", name));
            hostPorts.close(name);
            throw PodmanErrors.failure(result, Code.INVALID_ARGUMENT, "workload '" + name + "': podman kube play refused it");
        }
        LOG.info("workload '{}' deployed ({})", name, existing == null ? "new" : "replaced");
    }

    private void pullMissingImages(RenderedWorkload rendered, Path authFile) {
        Set<String> references = new LinkedHashSet<>();
        for (RenderedWorkload.Image image : rendered.images()) {
            // Never: kube play reports a missing image itself; Always: kube play pulls anyway
            if (!"Never".equals(image.pullPolicy()) && !"Always".equals(image.pullPolicy())) {
                references.add(image.reference());
            }
        }
        for (String reference : references) {
            if (cli.run(List.of("image", "exists", reference)).ok()) {
                continue;
            }
            List<String> pull = new ArrayList<>(List.of("pull", "--quiet"));
            if (authFile != null) {
                pull.add("--authfile");
                pull.add(authFile.toString());
            }
            pull.add(reference);
            PodmanCli.Result result = cli.run(pull);
            if (!result.ok()) {
                throw PodmanErrors.failure(result, Code.INVALID_ARGUMENT,
                        "workload '" + rendered.name() + "': image " + reference + " cannot be pulled");
            }
        }
    }

    /** The data directory and the secret volumes' files. */
    private void prepareHost(RenderedWorkload rendered) {
        try {
            Files.createDirectories(rendered.dataDirectory());
            Path secretDirectory = renderer.secretDirectory(rendered.name());
            deleteRecursively(secretDirectory);
            for (RenderedWorkload.SecretVolume volume : rendered.secretVolumes()) {
                Files.createDirectories(volume.directory());
                setMode(secretDirectory.getParent(), 0700);
                for (Map.Entry<String, byte[]> file : volume.files().entrySet()) {
                    Path path = volume.directory().resolve(file.getKey());
                    Files.createDirectories(path.getParent());
                    Files.write(path, file.getValue());
                    setMode(path, volume.mode());
                }
            }
        } catch (IOException e) {
            throw new FlottaException(Code.INTERNAL, "workload '" + rendered.name()
                    + "': cannot prepare its directories on the host: " + e.getMessage(), e);
        }
    }

    private Path writeAuthFile(RenderedWorkload rendered) {
        Path file = settings.directory().resolve("auth").resolve(rendered.name() + ".json").toAbsolutePath();
        try {
            if (rendered.registryAuth() == null) {
                Files.deleteIfExists(file);
                return null;
            }
            Files.createDirectories(file.getParent());
            setMode(file.getParent(), 0700);
            Files.writeString(file, rendered.registryAuth());
            setMode(file, 0600);
            return file;
        } catch (IOException e) {
            throw new FlottaException(Code.INTERNAL, "workload '" + rendered.name()
                    + "': cannot write its registry auth file: " + e.getMessage(), e);
        }
    }

    /** Makes the workload's podman secrets exactly {@code wanted} (podman 4.3 cannot update one in place). */
    private void syncSecrets(String workload, Map<String, String> wanted) {
        List<String> existing = secretsOf(workload);
        if (!existing.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("secret", "rm"));
            rm.addAll(existing);
            cli.check(rm, Code.UNAVAILABLE, "workload '" + workload + "': podman secret rm");
        }
        for (Map.Entry<String, String> secret : wanted.entrySet()) {
            PodmanCli.Result result = cli.run(List.of("secret", "create", "--label", Labels.WORKLOAD + "=" + workload,
                    secret.getKey(), "-"), secret.getValue().getBytes(StandardCharsets.UTF_8));
            if (!result.ok()) {
                throw PodmanErrors.failure(result, Code.INVALID_ARGUMENT,
                        "workload '" + workload + "': podman secret create " + secret.getKey());
            }
        }
    }

    private List<String> secretsOf(String workload) {
        String prefix = WorkloadRenderer.podmanSecretPrefix(workload);
        String names = cli.check(List.of("secret", "ls", "--format", "{{.Name}}"), Code.UNAVAILABLE, "podman secret ls");
        return names.lines().map(String::strip).filter(n -> n.startsWith(prefix)).collect(Collectors.toList());
    }

    /**
     * Stops, then removes: measured on podman 4.3, {@code pod rm --force} on a running pod often
     * waits ~3 s for conmon, while stop-then-rm takes ~0.4 s.
     */
    private void stopAndRemove(PodInfo pod) {
        Instant now = Instant.now();
        stopping.values().removeIf(since -> since.isBefore(now.minus(STOPPING_MEMORY)));
        pod.containers().forEach(c -> stopping.put(c.id(), now));
        String timeout = pod.labels().getOrDefault(Labels.STOP_TIMEOUT, Long.toString(settings.stopTimeout().toSeconds()));
        PodmanCli.Result stop = cli.run(List.of("pod", "stop", "--ignore", "--time", timeout, pod.name()));
        if (!stop.ok()) {
            LOG.warn("podman pod stop {} failed ({}); removing it by force", pod.name(), stop.errorMessage());
        }
        cli.check(List.of("pod", "rm", "--force", "--ignore", pod.name()), Code.UNAVAILABLE,
                "workload '" + pod.workload() + "': podman pod rm");
    }

    @Override
    public void remove(String name) {
        Objects.requireNonNull(name, "name");
        ensureOpen();
        try {
            WorkloadRenderer.validateName(name);
        } catch (FlottaException e) {
            return; // no workload can have this name, so there is nothing to remove
        }
        synchronized (lock(name)) {
            PodInfo pod = findPod(name);
            if (pod != null && !owned(pod)) {
                // its host ports, secrets and files may be another runtime's too: leave all of it
                failures.remove(name);
                lastChange.remove(name);
                LOG.info("not removing pod '{}': this runtime did not create it", name);
                return;
            }
            if (pod != null) {
                stopAndRemove(pod);
            }
            hostPorts.close(name);
            List<String> secrets = secretsOf(name);
            if (!secrets.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("secret", "rm"));
                rm.addAll(secrets);
                cli.check(rm, Code.UNAVAILABLE, "workload '" + name + "': podman secret rm");
            }
            try {
                deleteRecursively(renderer.secretDirectory(name));
                Files.deleteIfExists(settings.directory().resolve("auth").resolve(name + ".json"));
            } catch (IOException e) {
                LOG.warn("could not delete the secret files of workload '{}': {}", name, e.getMessage());
            }
            failures.remove(name);
            lastChange.remove(name);
            LOG.info("workload '{}' removed", name);
        }
    }

    @Override
    public List<WorkloadStatus> list() {
        ensureOpen();
        List<PodInfo> pods = PodInfo.parseList(cli.check(
                List.of("pod", "ps", "--format", "json", "--filter", "label=" + Labels.OWNER + "=" + settings.owner()),
                Code.UNAVAILABLE, "podman pod ps"));
        List<WorkloadStatus> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (PodInfo pod : pods) {
            if (!owned(pod)) {
                continue;
            }
            String name = pod.workload();
            seen.add(name);
            String message = pod.message();
            WorkloadStatus failure = failures.get(name);
            if (failure != null) {
                message = "last apply failed: " + failure.message() + (message.isEmpty() ? "" : "; " + message);
            }
            result.add(new WorkloadStatus(name, pod.phase(), message, lastChange.getOrDefault(name, pod.created())));
        }
        failures.forEach((name, failure) -> {
            if (!seen.contains(name)) {
                result.add(failure);
            }
        });
        result.sort(Comparator.comparing(WorkloadStatus::name));
        return result;
    }

    @Override
    public AutoCloseable watch(Consumer<WorkloadEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        ensureOpen();
        listeners.add(listener);
        synchronized (this) {
            if (events == null) {
                events = new PodmanEventStream(settings.binary(), Labels.OWNER + "=" + settings.owner(), Instant.now(),
                        this::onPodmanEvent);
            }
        }
        return () -> {
            listeners.remove(listener);
            synchronized (this) {
                if (listeners.isEmpty() && events != null) {
                    events.close();
                    events = null;
                }
            }
        };
    }

    private void onPodmanEvent(JsonNode event) {
        if (!settings.owner().equals(event.path("Attributes").path(Labels.OWNER).asText())) {
            return;
        }
        if ("remove".equals(event.path("Status").asText())) {
            stopping.remove(event.path("ID").asText());
            return;
        }
        EventMapper.map(event, stopping::containsKey).ifPresent(mapped -> {
            lastChange.put(mapped.workload(), mapped.time());
            publish(mapped);
        });
    }

    private void publish(WorkloadEvent event) {
        if (closed || listeners.isEmpty()) {
            return;
        }
        dispatcher.execute(() -> {
            for (Consumer<WorkloadEvent> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("a workload event listener failed on {}", event, e);
                }
            }
        });
    }

    private PodInfo findPod(String name) {
        // unfiltered: a foreign pod of the same name must be seen, to be left alone
        String json = cli.check(List.of("pod", "ps", "--format", "json"), Code.UNAVAILABLE, "podman pod ps");
        return PodInfo.parseList(json).stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    private boolean owned(PodInfo pod) {
        return pod.ownedBy(settings.owner());
    }

    private Object lock(String name) {
        return locks.computeIfAbsent(name, n -> new Object());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the podman runtime is closed");
        }
    }

    /** Stops following events; the pods keep running (an agent restart must not stop workloads). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (this) {
            if (events != null) {
                events.close();
                events = null;
            }
        }
        listeners.clear();
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        io.shutdownNow();
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void setMode(Path path, int mode) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(order[bit]);
            }
        }
        Files.setPosixFilePermissions(path, permissions);
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
