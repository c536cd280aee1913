package io.flotta.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.examples.admin.AdminClient;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flotta apply -f deployment.yaml}. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Create or replace a deployment from an EdgeDeployment document (YAML or JSON).",
                "The document has metadata.name, optionally metadata.namespace, and spec (device or",
                "deviceSelector, and pod.spec)."})
public final class ApplyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Option(names = {"-f", "--filename"}, required = true, description = "The document; - reads standard input.")
    String file;

    @Option(names = "--wait", description = "Wait until the workload runs on every device it is placed on, "
            + "showing its progress.")
    boolean waitForRunning;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds --wait waits at most (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String document;
        try {
            document = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("no such file: " + file);
        }
        JsonNode result = admin.client().post("/api/v1/deployments", document, "application/yaml");
        spec.commandLine().getOut().printf("deployment %s/%s %s%n", result.path("namespace").asText(),
                result.path("deployment").asText(), result.path("result").asText());
        spec.commandLine().getOut().flush();
        if (waitForRunning) {
            awaitRunning(result.path("namespace").asText(), result.path("deployment").asText());
        }
        return 0;
    }

    /** Polls the deployment's devices by phase, printing each change, until all run or time is up. */
    private void awaitRunning(String namespace, String name) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        AdminClient client = admin.client();
        Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
        String last = null;
        while (true) {
            String progress = "no device matches yet";
            boolean done = false;
            for (JsonNode d : client.get("/api/v1/deployments?namespace=" + URLEncoder.encode(namespace,
                    StandardCharsets.UTF_8))) {
                if (d.path("name").asText().equals(name)) {
                    List<String> phases = new ArrayList<>();
                    d.path("phases").fields().forEachRemaining(e -> phases.add(e.getKey() + "=" + e.getValue().asInt()));
                    if (!phases.isEmpty()) {
                        progress = String.join(", ", phases);
                        done = phases.stream().allMatch(p -> p.startsWith("Running="));
                    }
                }
            }
            if (!progress.equals(last)) {
                out.printf("  %s: %s%n", name, progress);
                out.flush();
                last = progress;
            }
            if (done) {
                out.printf("deployment %s/%s is running%n", namespace, name);
                out.flush();
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new FlottaException(FlottaException.Code.UNAVAILABLE, "timed out after " + timeoutSeconds
                        + " s waiting for " + name + " to run (" + progress + "): see `flotta get devices` for "
                        + "each device's workloads and events");
            }
            Thread.sleep(1000);
        }
    }
}
