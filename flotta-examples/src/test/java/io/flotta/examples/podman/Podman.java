package io.flotta.examples.podman;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.examples.testing.Polling;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The machine's podman and nft, run as commands, for checking what the agent did. */
final class Podman {

    static final String HTTPD = "localhost/flotta/httpd:latest";
    static final String BUSYBOX = "localhost/flotta/busybox:latest";
    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    record Result(int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Podman() {
    }

    /** Fails (never skips) when podman or the local images are missing. */
    static void requireReady() {
        Result version = podman("version", "--format", "{{.Client.Version}}");
        assertThat(version.exitCode()).as("podman must be installed and working (run scripts/setup-podman.sh): %s",
                version.err()).isZero();
        for (String image : List.of(HTTPD, BUSYBOX)) {
            assertThat(podman("image", "exists", image).exitCode())
                    .as("image %s must exist (run scripts/setup-podman.sh)", image).isZero();
        }
    }

    static Result podman(String... args) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(List.of(args));
        return run(command);
    }

    static String podmanOk(String... args) {
        Result result = podman(args);
        assertThat(result.exitCode()).as("podman %s failed: %s", String.join(" ", args), result.err()).isZero();
        return result.out();
    }

    /** The pod's id, or empty when there is no pod of that name. */
    static Optional<String> podId(String name) {
        Result result = podman("pod", "inspect", "--format", "{{.Id}}", name);
        return result.ok() ? Optional.of(result.out().strip()) : Optional.empty();
    }

    static String containerPid(String pod, String container) {
        return podmanOk("inspect", "--format", "{{.State.Pid}}", pod + "-" + container).strip();
    }

    /** Removes the pod by name if it exists; for cleaning up pods a test made. */
    static void removePod(String name) {
        podman("pod", "rm", "--force", "--ignore", name);
    }

    static boolean nftPresent() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (new File(dir, "nft").canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** Our nft table as nft lists it, or empty text when it does not exist. */
    static String nftTable() {
        Result result = run(List.of("nft", "list", "table", "inet", "flotta"));
        return result.ok() ? result.out() : "";
    }

    /** A port free on 127.0.0.1 now, and never handed out before in this JVM (two workloads never share one). */
    static synchronized int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new AssertionError("no free port on 127.0.0.1", e);
            }
        }
    }

    /** Whether something accepts TCP connections on 127.0.0.1:port. */
    /** The page a workload serves on the host's {@code port}, once it contains {@code expected}. */
    static String awaitPage(int port, String expected, Duration timeout, Duration pollInterval) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(2)).build();
        return Polling.await("127.0.0.1:" + port + " to serve " + expected, timeout, pollInterval, () -> {
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                return Optional.of(response.body()).filter(b -> response.statusCode() == 200 && b.contains(expected));
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
            String out = drain(process.getInputStream());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " cannot be run (run scripts/setup-podman.sh): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
