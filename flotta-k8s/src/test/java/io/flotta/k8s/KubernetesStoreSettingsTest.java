package io.flotta.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KubernetesStoreSettingsTest {

    @Test
    void invalidSettingsNameTheField() {
        assertThatThrownBy(() -> new KubernetesStoreSettings(Optional.of(" "), Duration.ofMinutes(1), Duration.ofSeconds(1)))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("namespace:");
        assertThatThrownBy(() -> KubernetesStoreSettings.allNamespaces().withLastSeenFlush(Duration.ZERO))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("lastSeenFlush:");
        assertThatThrownBy(() -> new KubernetesStoreSettings(Optional.empty(), Duration.ofMinutes(1), Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("syncTimeout:");
    }

    @Test
    void providerRefusesAMissingKubeconfig() {
        KubernetesStoreProvider provider = new KubernetesStoreProvider();
        assertThat(provider.isAvailable()).isEqualTo(provider.unavailableReason().isEmpty());
        assertThatThrownBy(() -> provider.create(new ProviderConfig(Path.of("target"),
                Map.of(KubernetesStoreProvider.KUBECONFIG, "target/no-such-file"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("k8s.kubeconfig");
    }
}
