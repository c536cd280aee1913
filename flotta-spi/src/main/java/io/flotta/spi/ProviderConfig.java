package io.flotta.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Settings handed to a provider's factory method: a directory it may own and free-form string
 * properties (keys namespaced by the provider, e.g. {@code podman.socket}). Immutable.
 */
public record ProviderConfig(Path directory, Map<String, String> properties) {

    public ProviderConfig {
        properties = Map.copyOf(properties);
    }

    public static ProviderConfig of(Path directory) {
        return new ProviderConfig(directory, Map.of());
    }

    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    public String property(String key, String defaultValue) {
        return properties.getOrDefault(key, defaultValue);
    }
}
