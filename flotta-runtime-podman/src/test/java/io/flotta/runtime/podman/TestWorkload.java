package io.flotta.runtime.podman;

import io.flotta.spi.runtime.Workload;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builds {@link Workload}s for tests, with defaults for everything but the spec. */
public final class TestWorkload {

    private String name = "web";
    private String deviceId = "dev-1";
    private String spec = "";
    private Map<String, String> labels = Map.of();
    private Map<String, String> annotations = Map.of();
    private List<String> configMaps = List.of();
    private List<String> secrets = List.of();
    private String registryAuth;
    private Path dataDirectory = Path.of("/srv/data/web");

    public TestWorkload name(String value) {
        name = value;
        return this;
    }

    public TestWorkload deviceId(String value) {
        deviceId = value;
        return this;
    }

    public TestWorkload spec(String value) {
        spec = value;
        return this;
    }

    public TestWorkload labels(Map<String, String> value) {
        labels = value;
        return this;
    }

    public TestWorkload annotations(Map<String, String> value) {
        annotations = value;
        return this;
    }

    public TestWorkload configMaps(List<String> value) {
        configMaps = value;
        return this;
    }

    public TestWorkload secrets(List<String> value) {
        secrets = value;
        return this;
    }

    public TestWorkload registryAuth(String value) {
        registryAuth = value;
        return this;
    }

    public TestWorkload dataDirectory(Path value) {
        dataDirectory = value;
        return this;
    }

    public Workload build() {
        return new Workload(name, deviceId, spec, labels, annotations, configMaps, secrets, registryAuth, dataDirectory);
    }
}
