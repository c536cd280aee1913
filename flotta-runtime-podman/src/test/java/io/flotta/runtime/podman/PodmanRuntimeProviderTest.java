package io.flotta.runtime.podman;

import io.flotta.runtime.podman.internal.PodmanSettings;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodmanRuntimeProviderTest {

    @Test
    void isRegisteredForTheServiceLoader() {
        assertThat(ServiceLoader.load(WorkloadRuntimeProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(PodmanRuntimeProvider.class);
        assertThat(new PodmanRuntimeProvider().name()).isEqualTo("podman");
    }

    @Test
    void availabilityFollowsThePodmanExecutable() {
        PodmanRuntimeProvider provider = new PodmanRuntimeProvider();
        boolean onPath = PodmanRuntimeProvider.findExecutable("podman") != null;
        assertThat(provider.isAvailable()).isEqualTo(onPath);
        assertThat(provider.unavailableReason().isEmpty()).isEqualTo(onPath);
        assertThat(PodmanRuntimeProvider.findExecutable("/nonexistent/podman")).isNull();
        assertThat(PodmanRuntimeProvider.findExecutable("no-such-binary-anywhere")).isNull();
        assertThat(PodmanRuntimeProvider.findExecutable("sh")).isNotNull();
    }

    @Test
    void configurationIsChecked() throws Exception {
        PodmanRuntimeProvider provider = new PodmanRuntimeProvider();
        assertThatThrownBy(() -> provider.create(new ProviderConfig(null, Map.of())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("ProviderConfig.directory");
        Path directory = Files.createTempDirectory("flotta-podman-test");
        assertThatThrownBy(() -> provider.create(new ProviderConfig(directory, Map.of(PodmanRuntimeProvider.STOP_TIMEOUT, "soon"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(PodmanRuntimeProvider.STOP_TIMEOUT);
        Files.delete(directory);
    }

    @Test
    void theOwnerIsKeptInTheDirectoryUnlessConfigured() throws Exception {
        Path directory = Files.createTempDirectory("flotta-podman-test");
        try {
            String first = owner(ProviderConfig.of(directory));
            assertThat(first).matches("[0-9a-f]{16}");
            assertThat(Files.readString(directory.resolve("owner")).strip()).isEqualTo(first);
            assertThat(owner(ProviderConfig.of(directory))).as("the same directory, the same owner").isEqualTo(first);
            assertThat(owner(new ProviderConfig(directory, Map.of(PodmanRuntimeProvider.OWNER, "agent-7"))))
                    .isEqualTo("agent-7");
            assertThatThrownBy(() -> new PodmanRuntimeProvider().create(new ProviderConfig(directory,
                    Map.of(PodmanRuntimeProvider.OWNER, "not a label"))))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("owner");
        } finally {
            Files.walk(directory).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String owner(ProviderConfig config) {
        return PodmanSettings.from(config, PodmanRuntimeProvider.BINARY, PodmanRuntimeProvider.STOP_TIMEOUT,
                PodmanRuntimeProvider.COMMAND_TIMEOUT, PodmanRuntimeProvider.NFT, PodmanRuntimeProvider.NFT_TABLE,
                PodmanRuntimeProvider.OWNER).owner();
    }

    @Test
    void aMissingPodmanIsUnavailableNotACrash() throws Exception {
        Path directory = Files.createTempDirectory("flotta-podman-test");
        try (var runtime = new PodmanRuntimeProvider().create(new ProviderConfig(directory,
                Map.of(PodmanRuntimeProvider.BINARY, "/nonexistent/podman", PodmanRuntimeProvider.NFT, "none")))) {
            assertThatThrownBy(runtime::list)
                    .isInstanceOfSatisfying(io.flotta.spi.FlottaException.class,
                            e -> assertThat(e.code()).isEqualTo(io.flotta.spi.FlottaException.Code.UNAVAILABLE))
                    .hasMessageContaining("/nonexistent/podman");
            assertThatThrownBy(() -> runtime.apply(new TestWorkload()
                    .spec("containers:\n- {name: c, image: localhost/flotta/busybox:latest}\n").build()))
                    .isInstanceOfSatisfying(io.flotta.spi.FlottaException.class,
                            e -> assertThat(e.code()).isEqualTo(io.flotta.spi.FlottaException.Code.UNAVAILABLE));
        } finally {
            Files.walk(directory).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
