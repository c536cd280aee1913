package io.flotta.examples.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.flotta.spi.ConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's {@code config.toml}, in upstream yggdrasil's layout: {@code protocol = "http"},
 * {@code server} (host:port, or a list of them: the first is used), {@code cert-file},
 * {@code key-file}, {@code ca-root} (a file or a list), {@code path-prefix}, {@code client-id}
 * (default: the machine id), {@code log-level}; {@code socket-addr} (ours, optional) picks the
 * dispatcher's socket. Relative paths are resolved against the file's directory.
 */
public record GatewaySettings(
        String server,
        Path certFile,
        Path keyFile,
        List<Path> caRoots,
        String pathPrefix,
        String clientId,
        String logLevel,
        String socketAddr) {

    /** The device API's path; a longer prefix puts the device API behind a path on the server. */
    static final String DEVICE_API = "api/flotta-management/v1";

    public GatewaySettings {
        caRoots = List.copyOf(caRoots);
    }

    public static GatewaySettings read(Path file, String defaultClientId) {
        JsonNode toml;
        try {
            toml = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        String protocol = toml.path("protocol").asText("http");
        if (!protocol.equals("http")) {
            throw new ConfigurationException(file + ": protocol must be \"http\" (MQTT is not supported), was " + protocol);
        }
        List<String> servers = strings(toml.path("server"));
        if (servers.isEmpty()) {
            throw new ConfigurationException(file + ": server is required (host:port of the control plane)");
        }
        List<Path> caRoots = new ArrayList<>();
        strings(toml.path("ca-root")).forEach(p -> caRoots.add(base.resolve(p)));
        if (caRoots.isEmpty()) {
            throw new ConfigurationException(file + ": ca-root is required (the control plane's CA certificate)");
        }
        String clientId = toml.path("client-id").asText("");
        return new GatewaySettings(servers.get(0), path(toml, "cert-file", base, file), path(toml, "key-file", base, file),
                caRoots, toml.path("path-prefix").asText(DEVICE_API), clientId.isBlank() ? defaultClientId : clientId,
                toml.path("log-level").asText("info"), toml.path("socket-addr").asText(""));
    }

    /** The control plane's base URI for the HTTP transport, from {@code server} and {@code path-prefix}. */
    public URI serverUri() {
        String prefix = pathPrefix.replaceAll("^/+|/+$", "");
        if (!prefix.endsWith(DEVICE_API)) {
            throw new ConfigurationException("path-prefix must end with " + DEVICE_API + ", was " + pathPrefix);
        }
        String extra = prefix.substring(0, prefix.length() - DEVICE_API.length());
        String authority = server.replaceFirst("^[a-z]+://", "").replaceAll("/+$", "");
        return URI.create("https://" + authority + "/" + extra.replaceAll("/+$", ""));
    }

    private static Path path(JsonNode toml, String key, Path base, Path file) {
        String value = toml.path(key).asText("");
        if (value.isBlank()) {
            throw new ConfigurationException(file + ": " + key + " is required");
        }
        return base.resolve(value);
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> values.add(n.asText()));
        } else if (node.isTextual() && !node.asText().isBlank()) {
            values.add(node.asText());
        }
        return values;
    }
}
