package io.flotta.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.spi.ConfigurationException;
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

    @Override
    public Integer call() throws IOException {
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
        return 0;
    }
}
