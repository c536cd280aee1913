package io.flotta.runtime.podman.internal;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs one podman command and collects its output. The CLI is used rather than the REST API: per
 * operation it costs about the same (podman's own work dominates), and it needs no long-lived
 * service process to supervise.
 */
public final class PodmanCli {

    private static final Logger LOG = LoggerFactory.getLogger(PodmanCli.class);

    /** What a finished command left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }

        /** The lines of stderr that say what went wrong, without podman's harmless noise. */
        public String errorMessage() {
            return PodmanErrors.message(stderr, exitCode);
        }
    }

    private final String binary;
    private final Duration timeout;
    private final ExecutorService io;

    public PodmanCli(String binary, Duration timeout, ExecutorService io) {
        this.binary = binary;
        this.timeout = timeout;
        this.io = io;
    }

    public String binary() {
        return binary;
    }

    /** Runs {@code podman args...}; a podman that cannot be started or hangs is UNAVAILABLE. */
    public Result run(List<String> args) {
        return run(args, null);
    }

    public Result run(List<String> args, byte[] stdin) {
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(binary);
        command.addAll(args);
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new FlottaException(Code.UNAVAILABLE,
                    "podman cannot be run (" + binary + "): " + e.getMessage(), e);
        }
        // stdout and stderr are drained concurrently so a chatty command cannot block on a full pipe
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()), io);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()), io);
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // the command exited without reading its input; its exit code and stderr tell why
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new FlottaException(Code.UNAVAILABLE,
                        "podman " + String.join(" ", args) + " did not finish within " + timeout);
            }
            Result result = new Result(command, process.exitValue(), out.get(), err.get());
            if (LOG.isDebugEnabled()) {
                LOG.debug("podman {} -> exit {} in {} ms", String.join(" ", args), result.exitCode(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
            return result;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FlottaException(Code.UNAVAILABLE, "interrupted while running podman " + args, e);
        } catch (ExecutionException e) {
            throw new FlottaException(Code.UNAVAILABLE, "could not read the output of podman " + args, e.getCause());
        }
    }

    /** Runs the command and returns its stdout; a non-zero exit becomes an exception coded by its message. */
    public String check(List<String> args, Code defaultCode, String what) {
        Result result = run(args);
        if (!result.ok()) {
            throw PodmanErrors.failure(result, defaultCode, what);
        }
        return result.stdout();
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
