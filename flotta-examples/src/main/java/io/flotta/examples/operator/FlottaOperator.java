package io.flotta.examples.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.pki.Tls;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.k8s.KubernetesCertificateAuthorityProvider;
import io.flotta.k8s.KubernetesControllers;
import io.flotta.k8s.KubernetesStore;
import io.flotta.k8s.KubernetesStoreSettings;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.spi.transport.TransportServerProvider;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A Kubernetes operator built from the libraries: state in custom resources ({@link KubernetesStore}),
 * the CA in a Secret, the engine, the device API over HTTPS, and the leader-only controllers
 * ({@link KubernetesControllers}). Run several replicas: all serve devices, one runs the controllers.
 */
@Command(name = "flotta-operator", mixinStandardHelpOptions = true,
        description = "Runs the Flotta control plane against a Kubernetes API server.")
public final class FlottaOperator implements Callable<Integer> {

    @Option(names = "--kubeconfig", description = "Kubeconfig file (default: in-cluster service account, $KUBECONFIG, ~/.kube/config).")
    File kubeconfig;

    @Option(names = "--namespace", defaultValue = "flotta", description = "Namespace of devices, deployments and the CA Secret (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--listen", defaultValue = "0.0.0.0:8043", description = "Device API address, HOST:PORT; port 0 picks one (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--server-name", split = ",", defaultValue = "flotta-device-api,localhost", description = "DNS names devices use to reach the device API (default: ${DEFAULT-VALUE}).")
    List<String> serverNames;

    @Option(names = "--server-ip", split = ",", defaultValue = "127.0.0.1", description = "IP addresses devices use to reach the device API (default: ${DEFAULT-VALUE}).")
    List<String> serverIps;

    @Option(names = "--identity", defaultValue = "${env:HOSTNAME:-flotta-operator}", description = "This replica's name in the leader election (default: $HOSTNAME).")
    String identity;

    @Option(names = "--manual-approval", description = "Devices wait until their EdgeDeviceSignedRequest is approved.")
    boolean manualApproval;

    @Option(names = "--heartbeat-seconds", defaultValue = "60", description = "Default heartbeat period (default: ${DEFAULT-VALUE}).")
    int heartbeatSeconds;

    @Option(names = "--last-seen-flush-seconds", defaultValue = "60", description = "How often each replica writes the last-seen times of the devices it served (default: ${DEFAULT-VALUE}).")
    int lastSeenFlushSeconds;

    @Option(names = "--bucket-storage-class", description = "Create ObjectBucketClaims of this storage class for devices that request storage.")
    String storageClass;

    @Option(names = "--work-dir", defaultValue = "/tmp/flotta-operator", description = "Private working files, e.g. an emptyDir (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--bootstrap-bundle", description = "Also write a device bootstrap bundle for this device API into this directory.")
    Path bundle;

    @Override
    public Integer call() throws Exception {
        int colon = listen.lastIndexOf(':');
        String host = listen.substring(0, colon);
        int port = Integer.parseInt(listen.substring(colon + 1));
        Config config = kubeconfig == null ? Config.autoConfigure(null) : Config.fromKubeconfig(null, kubeconfig);
        List<AutoCloseable> open = new ArrayList<>();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            KubernetesStore store = KubernetesStore.start(client, KubernetesStoreSettings.namespace(namespace)
                    .withLastSeenFlush(Duration.ofSeconds(lastSeenFlushSeconds)));
            open.add(store);
            CertificateAuthority ca = KubernetesCertificateAuthorityProvider.open(client, namespace,
                    KubernetesCertificateAuthorityProvider.DEFAULT_SECRET, ProviderConfig.of(workDir.resolve("ca")));
            open.add(ca);
            ControlPlane controlPlane = ControlPlane.builder().store(store).certificateAuthority(ca).leader(false)
                    // devices live in our namespace whatever they ask for: the store and RBAC cover that one only
                    .options(ControlPlaneOptions.builder().namespace(namespace).devicesChooseNamespace(false)
                            .autoApprove(!manualApproval)
                            .heartbeatPeriod(Duration.ofSeconds(heartbeatSeconds))
                            // the leader learns of heartbeats other replicas served when they flush:
                            // a device is offline only once it missed more than a flush period
                            .offlineAfterMissed(Math.max(3, (lastSeenFlushSeconds + heartbeatSeconds - 1) / heartbeatSeconds + 2))
                            .build())
                    .build();
            open.add(controlPlane);
            IssuedCredential tls = ca.issueServer(serverNames, serverIps, Duration.ofDays(365));
            TransportServer server = ProviderRegistry.discover(TransportServerProvider.class).selectConfigured(null)
                    .start(new TransportServerConfig(host, port, Tls.serverContext(tls.key(), tls.chain()), 1 << 20,
                            Duration.ofMinutes(5)), controlPlane.deviceApi());
            open.add(server);
            URI url = URI.create("https://" + (host.equals("0.0.0.0") ? serverIps.get(0) : host) + ":" + server.port());
            if (bundle != null) {
                BootstrapBundle.issue(ca, url, Duration.ofDays(365)).write(bundle);
            }
            open.add(KubernetesControllers.builder(client, controlPlane, store).namespace(namespace).identity(identity)
                    .bucketClaims(storageClass).start());
            System.out.printf("flotta operator %s: device API on %s, namespace %s%n", identity, url, namespace);

            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                closeAll(open);
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        } finally {
            closeAll(open);
        }
    }

    private static synchronized void closeAll(List<AutoCloseable> open) {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.remove(i).close();
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }
    }

    public static void main(String[] args) {
        io.flotta.core.pki.HandshakeCryptoProvider.installUnlessDisabled();
        System.exit(new CommandLine(new FlottaOperator()).execute(args));
    }
}
