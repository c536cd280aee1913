package io.flotta.examples.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.flotta.spi.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One worker of the gateway, from a {@code *.toml} file of its workers directory (upstream's
 * layout): {@code exec} (the program; ours also takes arguments separated by spaces),
 * {@code protocol = "grpc"}, {@code env} (a list of {@code NAME=value}).
 *
 * @param name    the file's name without {@code .toml}
 * @param command the program and its arguments
 * @param env     extra environment of the worker
 */
public record WorkerSpec(String name, List<String> command, Map<String, String> env) {

    public WorkerSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    /** Every {@code *.toml} in {@code directory}, by name; none when the directory does not exist. */
    public static List<WorkerSpec> readAll(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".toml")).sorted().map(WorkerSpec::read).toList();
        } catch (IOException e) {
            throw new ConfigurationException("cannot list the workers in " + directory + ": " + e.getMessage(), e);
        }
    }

    public static WorkerSpec read(Path file) {
        JsonNode toml;
        try {
            toml = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigurationException("cannot read worker " + file + ": " + e.getMessage(), e);
        }
        String exec = toml.path("exec").asText("").strip();
        if (exec.isEmpty()) {
            throw new ConfigurationException(file + ": exec is required");
        }
        String protocol = toml.path("protocol").asText("grpc");
        if (!protocol.equals("grpc")) {
            throw new ConfigurationException(file + ": protocol must be \"grpc\", was " + protocol);
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode entry : toml.path("env")) {
            String text = entry.asText();
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new ConfigurationException(file + ": env entries must be NAME=value, was " + text);
            }
            env.put(text.substring(0, eq), text.substring(eq + 1));
        }
        String name = file.getFileName().toString().replaceFirst("\\.toml$", "");
        List<String> command = new ArrayList<>(Arrays.asList(exec.split("\\s+")));
        return new WorkerSpec(name, command, env);
    }
}
