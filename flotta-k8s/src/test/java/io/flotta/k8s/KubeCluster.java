package io.flotta.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real API server and etcd for one test class, started with {@code scripts/kube-up.sh} in
 * {@code target/kube-<name>} with Flotta's generated CRDs applied, and purged with
 * {@code kube-down.sh} afterwards. Fails loudly when the cluster cannot start: it never skips.
 */
public final class KubeCluster implements BeforeAllCallback, AfterAllCallback {

    private static final Path SCRIPTS = Path.of("..", "scripts").toAbsolutePath().normalize();
    /** The generated CRDs, from this module's build (also when another module's test uses this class). */
    private static final Path CRDS = Path.of("..", "flotta-k8s", "target", "classes", "META-INF", "fabric8").toAbsolutePath().normalize();
    private static final Pattern ETCD_REVISION = Pattern.compile("(?m)^etcd_debugging_mvcc_current_revision\\s+(\\S+)$");

    private final Path dir;
    private final boolean installCrds;
    private Path kubeconfig;
    private Map<String, String> env;
    private KubernetesClient client;

    public KubeCluster(String name) {
        this(name, true);
    }

    /** A cluster with or without Flotta's CRDs. */
    public KubeCluster(String name, boolean installCrds) {
        this.dir = Path.of("target", "kube-" + name).toAbsolutePath();
        this.installCrds = installCrds;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Files.createDirectories(dir);
        String out;
        try {
            out = run(Duration.ofMinutes(3), SCRIPTS.resolve("kube-up.sh").toString(), dir.toString());
        } catch (IllegalStateException first) {
            // free ports are picked before the servers bind them, so another process can take one
            // in between: one retry with fresh ports, then fail with the servers' logs
            String logs = logTails();
            run(Duration.ofMinutes(1), SCRIPTS.resolve("kube-down.sh").toString(), "--purge", dir.toString());
            try {
                out = run(Duration.ofMinutes(3), SCRIPTS.resolve("kube-up.sh").toString(), dir.toString());
            } catch (IllegalStateException second) {
                second.addSuppressed(new IllegalStateException("first attempt: " + first.getMessage() + logs));
                throw new IllegalStateException(second.getMessage() + logTails(), second);
            }
        }
        String[] lines = out.strip().split("\n");
        kubeconfig = Path.of(lines[lines.length - 1].strip());
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalStateException("kube-up.sh did not print a kubeconfig path (run scripts/setup-kube.sh"
                    + " first?):\n" + out);
        }
        env = readEnv(dir.resolve("env"));
        env.putAll(readEnv(dir.resolve("ports.env")));
        if (installCrds) {
            List<String> apply = new ArrayList<>(List.of("apply"));
            try (Stream<Path> files = Files.list(CRDS)) {
                files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().forEach(p -> {
                    apply.add("-f");
                    apply.add(p.toString());
                });
            }
            if (apply.size() == 1) {
                throw new IllegalStateException("no generated CRDs in " + CRDS + ": build the module with Maven");
            }
            kubectl(apply.toArray(String[]::new));
            kubectl("wait", "--for", "condition=established", "--timeout=60s", "crd", "--all");
        }
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null, kubeconfig.toFile())).build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (client != null) {
            client.close();
        }
        run(Duration.ofMinutes(1), SCRIPTS.resolve("kube-down.sh").toString(), "--purge", dir.toString());
    }

    public KubernetesClient client() {
        return client;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** Runs the cluster's own {@code kubectl} (the server's version) and returns its output. */
    public String kubectl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(env.get("KUBECTL"));
        command.add("--kubeconfig");
        command.add(kubeconfig.toString());
        command.addAll(List.of(args));
        return run(Duration.ofMinutes(1), command.toArray(String[]::new));
    }

    /** Like {@link #kubectl(String...)}, with {@code input} on standard input (for {@code apply -f -}). */
    public String kubectlWithInput(String input, String... args) {
        Path file = dir.resolve("input-" + System.nanoTime() + ".yaml");
        try {
            Files.writeString(file, input);
            List<String> all = new ArrayList<>(List.of(args));
            all.replaceAll(a -> a.equals("-") ? file.toString() : a);
            return kubectl(all.toArray(String[]::new));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** etcd's current revision: it grows by one per write the API server makes. */
    public long etcdRevision() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.get("ETCD_PORT") + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = ETCD_REVISION.matcher(response.body());
            if (!m.find()) {
                throw new IllegalStateException("etcd metrics have no current revision");
            }
            return (long) Double.parseDouble(m.group(1));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String logTails() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                b.append("\n--- ").append(log.getFileName()).append(" ---\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            }
        } catch (IOException | RuntimeException e) {
            b.append("\n(cannot read the logs in ").append(dir).append(": ").append(e).append(')');
        }
        return b.toString();
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                String value = line.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("'") || value.startsWith("\""))) {
                    value = value.substring(1, value.length() - 1);
                }
                values.put(line.substring(0, eq).strip(), value);
            }
        }
        return values;
    }

    private static String run(Duration timeout, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "; for a missing API server run scripts/setup-kube.sh):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
