package io.flotta.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.ModelJson;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flotta label device NAME key=value key-}. */
@Command(name = "label", mixinStandardHelpOptions = true,
        description = {"Set (key=value) or remove (key-) a device's labels; deployments are placed again."})
public final class LabelCommand implements Callable<Integer> {

    enum Kind { device }

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "KIND", description = "device.")
    Kind kind;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Parameters(index = "2..*", arity = "1..*", paramLabel = "LABEL", description = "key=value sets, key- removes.")
    List<String> changes;

    @Option(names = {"-n", "--namespace"}, description = "Namespace (default: found in any).")
    String namespace;

    @Override
    public Integer call() {
        ObjectNode patch = ModelJson.mapper().createObjectNode();
        for (String change : changes) {
            int eq = change.indexOf('=');
            if (eq > 0) {
                patch.put(change.substring(0, eq), change.substring(eq + 1));
            } else if (change.endsWith("-") && change.length() > 1) {
                patch.putNull(change.substring(0, change.length() - 1));
            } else {
                throw new ParameterException(spec.commandLine(), "label change '" + change
                        + "' must be key=value (set) or key- (remove)");
            }
        }
        String path = "/api/v1/devices/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/labels"
                + (namespace == null ? "" : "?namespace=" + URLEncoder.encode(namespace, StandardCharsets.UTF_8));
        JsonNode device = admin.client().patch(path, patch);
        TreeMap<String, String> labels = new TreeMap<>();
        device.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        spec.commandLine().getOut().printf("device %s/%s labelled: %s%n", device.path("namespace").asText(), name, labels);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
