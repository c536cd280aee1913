package io.flotta.examples.embedding;

import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.pki.Tls;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.examples.admin.AdminCredentials;
import io.flotta.examples.admin.AdminServer;
import io.flotta.examples.metrics.ControlPlaneMetrics;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateAuthorityProvider;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreProvider;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.spi.transport.TransportServerProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A control plane put together piece by piece inside an application, for when
 * {@link io.flotta.examples.EmbeddedControlPlane} decides too much: the store and the CA, the engine,
 * the transport server on the device port, and the admin API. {@code ControlPlaneAssembly [data-dir]}
 * serves devices on 127.0.0.1:8043 and the admin API on 127.0.0.1:8044 until interrupted.
 */
public final class ControlPlaneAssembly implements AutoCloseable {

    private final Store store;
    private final CertificateAuthority ca;
    private final ControlPlane controlPlane;
    private final TransportServer server;
    private final AdminServer admin;

    public ControlPlaneAssembly(Path dataDir, int port, int adminPort) {
        // tag::store-and-ca[]
        // the store and the CA: by name, else -Dflotta.store / -Dflotta.ca, else the best available
        Store store = ProviderRegistry.discover(StoreProvider.class).selectConfigured("embedded")
                .create(ProviderConfig.of(dataDir.resolve("store")));
        CertificateAuthority ca = ProviderRegistry.discover(CertificateAuthorityProvider.class)
                .selectConfigured(null).create(ProviderConfig.of(dataDir.resolve("ca")));
        // end::store-and-ca[]

        // tag::engine[]
        ControlPlane controlPlane = ControlPlane.builder()
                .store(store)
                .certificateAuthority(ca)
                .options(ControlPlaneOptions.builder()
                        .autoApprove(true)                        // false: `approve` each device
                        .heartbeatPeriod(Duration.ofSeconds(60))
                        .build())
                .build();
        // end::engine[]

        // tag::transport[]
        // a server certificate from our CA, and the device API on the device port
        IssuedCredential serverCertificate = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(365));
        SSLContext tls = Tls.serverContext(serverCertificate.key(), serverCertificate.chain());
        ControlPlaneMetrics metrics = new ControlPlaneMetrics(controlPlane);  // times every device API call
        TransportServer server = ProviderRegistry.discover(TransportServerProvider.class).selectConfigured(null)
                .start(new TransportServerConfig("127.0.0.1", port, tls, 1 << 20, Duration.ofMinutes(5)),
                        metrics.meter(controlPlane.deviceApi()));
        // end::transport[]

        // tag::admin-api[]
        // the admin API and /metrics, with the same server certificate, on a second port
        URI deviceUrl = URI.create("https://127.0.0.1:" + server.port());
        AdminServer admin = AdminServer.start("127.0.0.1", adminPort, tls, controlPlane, ca, () -> deviceUrl,
                metrics);
        AdminCredentials.issue(ca, admin.url(), Duration.ofDays(365)).write(dataDir); // for `flotta get …`
        // end::admin-api[]

        this.store = store;
        this.ca = ca;
        this.controlPlane = controlPlane;
        this.server = server;
        this.admin = admin;
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public CertificateAuthority certificateAuthority() {
        return ca;
    }

    public URI deviceUrl() {
        return URI.create("https://127.0.0.1:" + server.port());
    }

    public URI adminUrl() {
        return admin.url();
    }

    /** What an application does with the engine's Java API (the admin API calls the same methods). */
    public static void manage(ControlPlane controlPlane, DeploymentSpec web) {
        // tag::java-api[]
        controlPlane.applyDeployment("default", "web", web);        // create or replace
        controlPlane.enrolmentRequests().stream()                   // with autoApprove(false)
                .filter(request -> !request.approved())
                .forEach(request -> controlPlane.approve(request.deviceId()));
        controlPlane.devices().forEach(device ->
                controlPlane.setDeviceLabels(device.namespace(), device.id(), Map.of("site", "lab")));
        controlPlane.deleteDeployment("default", "web");            // removed from every device
        // end::java-api[]
    }

    /** Stops serving, then closes the engine, the store and the CA: the reverse of the start. */
    @Override
    public void close() {
        // tag::close[]
        admin.close();
        server.close();
        controlPlane.close();
        store.close();
        ca.close();
        // end::close[]
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(args.length > 0 ? args[0] : "flotta-data");
        ControlPlaneAssembly cp = new ControlPlaneAssembly(dataDir, 8043, 8044);
        Runtime.getRuntime().addShutdownHook(new Thread(cp::close));
        System.out.println("devices: " + cp.deviceUrl() + ", admin API: " + cp.adminUrl());
        Thread.currentThread().join();
    }
}
