package io.flotta.k8s;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KubernetesStoreWithoutCrdsIT {

    @RegisterExtension
    static final KubeCluster KUBE = new KubeCluster("no-crds", false);

    @Test
    void startFailsNamingTheMissingDefinition() {
        assertThatThrownBy(() -> KubernetesStore.start(KUBE.client(), KubernetesStoreSettings.namespace("default")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("management.project-flotta.io")
                .hasMessageContaining("is not installed");
    }
}
