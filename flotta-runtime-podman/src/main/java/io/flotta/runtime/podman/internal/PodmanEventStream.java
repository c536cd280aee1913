package io.flotta.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Follows {@code podman events --format json} for our containers in a process of its own and hands
 * each event to a consumer. If the process dies it is started again with {@code --since} the last
 * event seen, so nothing is lost and nothing is delivered twice.
 */
final class PodmanEventStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodmanEventStream.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String binary;
    private final String labelFilter;
    private final Consumer<JsonNode> consumer;
    private final Thread reader;
    private volatile boolean closed;
    private volatile Process process;
    private Instant last;

    /**
     * Starts following events from {@code since} on (so a slow process start loses nothing).
     *
     * @param labelFilter {@code key=value} of the one label the containers must carry (podman ORs
     *                    several label filters, so one is all that narrows the stream)
     */
    PodmanEventStream(String binary, String labelFilter, Instant since, Consumer<JsonNode> consumer) {
        this.binary = binary;
        this.labelFilter = labelFilter;
        this.consumer = consumer;
        this.last = since;
        this.reader = new Thread(this::follow, "flotta-podman-events");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    private void follow() {
        Duration backoff = Duration.ofMillis(500);
        boolean first = true;
        while (!closed) {
            List<String> command = List.of(binary, "events", "--format", "json",
                    "--filter", "type=container", "--filter", "label=" + labelFilter,
                    "--since", last.toString());
            try {
                process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                if (closed) {
                    process.destroy();
                    break;
                }
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        handle(line, first);
                        backoff = Duration.ofMillis(500);
                    }
                }
                if (!closed) {
                    LOG.warn("podman events exited with code {}; following again from {}", process.waitFor(), last);
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("cannot follow podman events ({}): {}; retrying in {} ms", binary, e.getMessage(), backoff.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            first = false;
            if (closed) {
                break;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void handle(String line, boolean firstRun) {
        if (line.isBlank()) {
            return;
        }
        JsonNode event;
        try {
            event = JSON.readTree(line);
        } catch (IOException e) {
            LOG.debug("ignoring a podman events line that is not JSON: {}", line);
            return;
        }
        Instant time = EventMapper.time(event);
        // after a restart, --since replays what was already delivered
        if (!firstRun && !time.isAfter(last)) {
            return;
        }
        if (time.isAfter(last)) {
            last = time;
        }
        try {
            consumer.accept(event);
        } catch (RuntimeException e) {
            LOG.warn("handling a podman event failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        Process running = process;
        if (running != null) {
            running.destroy();
        }
        try {
            reader.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running != null && running.isAlive()) {
            running.destroyForcibly();
        }
    }
}
