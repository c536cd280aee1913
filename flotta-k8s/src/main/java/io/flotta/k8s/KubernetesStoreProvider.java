package io.flotta.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code k8s} store: Flotta's custom resources on the API server of a kubeconfig or of the pod it
 * runs in. Ranked above the embedded store, so it wins wherever Kubernetes credentials are found.
 *
 * <p>Properties: {@value #KUBECONFIG} (a kubeconfig file; default: {@code $KUBECONFIG}, then
 * {@code ~/.kube/config}, then the in-cluster service account), {@value #NAMESPACE} (the namespace
 * kept; default: the kubeconfig context's or the pod's namespace; {@code *} for every namespace),
 * {@value #LAST_SEEN_FLUSH} (ISO-8601 duration between last-seen writes, default one minute).
 */
public final class KubernetesStoreProvider implements StoreProvider {

    public static final String KUBECONFIG = "k8s.kubeconfig";
    public static final String NAMESPACE = "k8s.namespace";
    public static final String LAST_SEEN_FLUSH = "k8s.lastSeenFlush";

    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    @Override
    public String name() {
        return "k8s";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String unavailableReason() {
        try {
            if (defaultKubeconfig().isPresent()) {
                return "";
            }
            if (System.getenv("KUBERNETES_SERVICE_HOST") != null && Files.isReadable(SERVICE_ACCOUNT_TOKEN)) {
                return "";
            }
            return "no Kubernetes credentials: no kubeconfig ($KUBECONFIG or ~/.kube/config) and not running in a pod"
                    + " with a service account; set " + KUBECONFIG;
        } catch (RuntimeException e) {
            return "cannot look for Kubernetes credentials: " + e;
        }
    }

    private static Optional<Path> defaultKubeconfig() {
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            Path first = Path.of(env.split(java.io.File.pathSeparator)[0]);
            return Files.isReadable(first) ? Optional.of(first) : Optional.empty();
        }
        Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
        return Files.isReadable(home) ? Optional.of(home) : Optional.empty();
    }

    @Override
    public Store create(ProviderConfig config) {
        Config clientConfig = clientConfig(config);
        String namespace = config.property(NAMESPACE).orElse(clientConfig.getNamespace());
        if (namespace == null || namespace.isBlank()) {
            namespace = "default";
        }
        Duration flush = config.property(LAST_SEEN_FLUSH).map(KubernetesStoreProvider::duration)
                .orElse(KubernetesStoreSettings.DEFAULT_LAST_SEEN_FLUSH);
        KubernetesStoreSettings settings = new KubernetesStoreSettings(
                "*".equals(namespace) ? Optional.empty() : Optional.of(namespace), flush,
                KubernetesStoreSettings.DEFAULT_SYNC_TIMEOUT);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build();
        return KubernetesStore.start(client, true, settings);
    }

    static Config clientConfig(ProviderConfig config) {
        Optional<String> path = config.property(KUBECONFIG);
        try {
            if (path.isPresent()) {
                Path file = Path.of(path.get());
                if (!Files.isReadable(file)) {
                    throw new ConfigurationException(KUBECONFIG + ": cannot read " + file);
                }
                return Config.fromKubeconfig(null, file.toFile());
            }
            return Config.autoConfigure(null);
        } catch (KubernetesClientException | IllegalArgumentException e) {
            throw new ConfigurationException(KUBECONFIG + ": not a usable kubeconfig: " + e.getMessage(), e);
        }
    }

    private static Duration duration(String text) {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(LAST_SEEN_FLUSH + ": not an ISO-8601 duration (e.g. PT1M): " + text, e);
        }
    }
}
