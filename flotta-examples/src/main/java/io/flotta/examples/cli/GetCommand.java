package io.flotta.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.flotta.examples.admin.AdminClient;
import io.flotta.spi.FlottaException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flotta get devices|deployments|enrolments}. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "List devices, deployments or enrolment requests.")
public final class GetCommand implements Callable<Integer> {

    enum Resource { devices, device, deployments, deployment, enrolments, enrolment }

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "RESOURCE", description = "devices, deployments or enrolments.")
    Resource resource;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Only this one.")
    String name;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    Output.Format format;

    @Option(names = {"-n", "--namespace"}, description = "Only this namespace (default: all).")
    String namespace;

    @Override
    public Integer call() {
        AdminClient client = admin.client();
        String query = namespace == null ? "" : "?namespace=" + java.net.URLEncoder.encode(namespace,
                java.nio.charset.StandardCharsets.UTF_8);
        PrintWriter out = spec.commandLine().getOut();
        switch (resource) {
            case devices, device -> {
                JsonNode devices = client.get("/api/v1/devices" + query);
                devices = only(devices, "id", "device");
                if (format == Output.Format.table) {
                    devicesTable(out, devices);
                } else {
                    Output.structured(out, devices, format);
                }
            }
            case deployments, deployment -> {
                JsonNode deployments = client.get("/api/v1/deployments" + query);
                deployments = only(deployments, "name", "deployment");
                if (format == Output.Format.table) {
                    deploymentsTable(out, deployments);
                } else {
                    Output.structured(out, deployments, format);
                }
            }
            case enrolments, enrolment -> {
                JsonNode enrolments = only(client.get("/api/v1/enrolments"), "deviceId", "enrolment request");
                if (format == Output.Format.table) {
                    enrolmentsTable(out, enrolments);
                } else {
                    Output.structured(out, enrolments, format);
                }
            }
        }
        return 0;
    }

    /** The entries named {@link #name} (all without one); NOT_FOUND when it names none. */
    private JsonNode only(JsonNode all, String field, String what) {
        if (name == null) {
            return all;
        }
        ArrayNode found = JsonNodeFactory.instance.arrayNode();
        all.forEach(e -> {
            if (e.path(field).asText().equals(name)) {
                found.add(e);
            }
        });
        if (found.isEmpty()) {
            throw new FlottaException(FlottaException.Code.NOT_FOUND, "no " + what + " " + name
                    + (namespace == null ? "" : " in namespace " + namespace) + " (list them with `flotta get "
                    + resource.name().replaceAll("s$", "") + "s`)");
        }
        return found;
    }

    private static void devicesTable(PrintWriter out, JsonNode devices) {
        if (devices.isEmpty()) {
            out.println("No devices yet: start an agent with `flotta agent --bundle <bootstrap bundle>`.");
            out.flush();
            return;
        }
        Instant now = Instant.now();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode d : devices) {
            JsonNode status = d.path("status");
            String workloads = StreamSupport.stream(status.path("workloads").spliterator(), false)
                    .map(w -> w.path("name").asText() + "(" + w.path("phase").asText("?") + ")")
                    .collect(Collectors.joining(","));
            rows.add(List.of(d.path("id").asText(), d.path("namespace").asText(),
                    Output.capitalized(status.path("state").asText(null)), Output.age(d.get("lastSeen"), now),
                    workloads.isEmpty() ? "-" : workloads));
        }
        Output.table(out, List.of("NAME", "NAMESPACE", "STATUS", "LAST SEEN", "WORKLOADS"), rows);
    }

    private static void deploymentsTable(PrintWriter out, JsonNode deployments) {
        if (deployments.isEmpty()) {
            out.println("No deployments yet: create one with `flotta apply -f deployment.yaml`.");
            out.flush();
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode d : deployments) {
            JsonNode spec = d.path("spec");
            String target = spec.hasNonNull("device") && !spec.path("device").asText().isEmpty()
                    ? "device=" + spec.path("device").asText() : selector(spec.path("deviceSelector"));
            List<String> phases = new ArrayList<>();
            d.path("phases").fields().forEachRemaining(e -> phases.add(e.getKey() + "=" + e.getValue().asInt()));
            rows.add(List.of(d.path("name").asText(), d.path("namespace").asText(), target,
                    phases.isEmpty() ? "-" : String.join(",", phases)));
        }
        Output.table(out, List.of("NAME", "NAMESPACE", "TARGET", "DEVICES BY PHASE"), rows);
    }

    private static String selector(JsonNode selector) {
        List<String> parts = new ArrayList<>();
        selector.path("matchLabels").fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        for (JsonNode e : selector.path("matchExpressions")) {
            List<String> values = new ArrayList<>();
            e.path("values").forEach(v -> values.add(v.asText()));
            parts.add(e.path("key").asText() + " " + e.path("operator").asText()
                    + (values.isEmpty() ? "" : " (" + String.join(",", values) + ")"));
        }
        return parts.isEmpty() ? "-" : String.join(",", parts);
    }

    private static void enrolmentsTable(PrintWriter out, JsonNode enrolments) {
        if (enrolments.isEmpty()) {
            out.println("No enrolment requests.");
            out.flush();
            return;
        }
        Instant now = Instant.now();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode e : enrolments) {
            rows.add(List.of(e.path("deviceId").asText(), e.path("targetNamespace").asText("-"),
                    e.path("approved").asBoolean() ? "Approved" : "Pending (flotta approve " + e.path("deviceId").asText() + ")",
                    Output.age(e.get("requestTime"), now)));
        }
        Output.table(out, List.of("DEVICE", "NAMESPACE", "STATUS", "AGE"), rows);
    }
}
