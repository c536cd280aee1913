package io.flotta.examples.cli;

import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.examples.EmbeddedControlPlane;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flotta server}: the embedded control plane. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the embedded control plane (store, CA, device API over HTTPS with mTLS).")
public final class ServerCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "flotta-data", description = "Where the store and the CA live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8043", description = "Device API port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--grpc-port", description = "Also serve the device API over gRPC on this port, same engine "
            + "(default: not served); the bundle then names both, and `flotta agent --transport grpc` picks gRPC.")
    Integer grpcPort;

    @Option(names = "--admin-host", defaultValue = "127.0.0.1", description = "Address of the admin API and "
            + "/metrics (default: ${DEFAULT-VALUE}; /metrics needs no certificate, so keep it on loopback or firewall it).")
    String adminHost;

    @Option(names = "--admin-port", defaultValue = "8044", description = "Admin API port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--bundle", defaultValue = "flotta-data/bootstrap", description = "Where to write the device bootstrap bundle (default: ${DEFAULT-VALUE}).")
    Path bundle;

    @Option(names = "--manual-approval", description = "Devices wait until their enrolment request is approved.")
    boolean manualApproval;

    @Option(names = "--heartbeat-seconds", defaultValue = "60", description = "Heartbeat period sent to devices (default: ${DEFAULT-VALUE}).")
    int heartbeatSeconds;

    @Option(names = "--s3-endpoint", description = "S3 endpoint for device buckets instead of the embedded S3 server; "
            + "credentials from FLOTTA_S3_ACCESS_KEY_ID and FLOTTA_S3_SECRET_ACCESS_KEY.")
    URI s3Endpoint;

    @Option(names = "--no-object-store", description = "No object storage: devices get no bucket.")
    boolean noObjectStore;

    @Option(names = "--data-upload-seconds", defaultValue = "60", description = "How often devices upload workload data (default: ${DEFAULT-VALUE}).")
    int dataUploadSeconds;

    @Override
    public Integer call() throws InterruptedException {
        ControlPlaneOptions options = ControlPlaneOptions.builder().autoApprove(!manualApproval)
                .heartbeatPeriod(Duration.ofSeconds(heartbeatSeconds)).build();
        EmbeddedControlPlane.Builder builder = EmbeddedControlPlane.builder().dataDirectory(dataDir).host(host)
                .port(port).adminHost(adminHost).adminPort(adminPort).options(options)
                .embeddedObjectStore(!noObjectStore)
                .dataUploadInterval(Duration.ofSeconds(dataUploadSeconds));
        if (grpcPort != null) {
            builder.grpcPort(grpcPort);
        }
        if (s3Endpoint != null && !noObjectStore) {
            // secrets from the environment, not the command line (which other users can see)
            builder.s3Endpoint(s3Endpoint, System.getenv("FLOTTA_S3_ACCESS_KEY_ID"),
                    System.getenv("FLOTTA_S3_SECRET_ACCESS_KEY"));
        }
        EmbeddedControlPlane cp = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(cp::close, "flotta-shutdown"));
        cp.writeBootstrapBundle(bundle);
        cp.writeAdminCredentials(dataDir);
        System.out.println("Control plane serving devices at " + cp.deviceUrl());
        cp.grpcDeviceUrl().ifPresent(url -> System.out.println("... and over gRPC at " + url));
        System.out.println("Admin API at " + cp.adminUrl().orElseThrow() + " (metrics: " + cp.adminUrl().orElseThrow()
                + "/metrics); admin credential written to " + dataDir.toAbsolutePath());
        cp.objectStoreEndpoint().ifPresent(s3 -> System.out.println("Embedded S3 server for workload data at " + s3));
        System.out.println("Device bootstrap bundle written to " + bundle.toAbsolutePath());
        System.out.println("Next: start an agent with `flotta agent --bundle " + bundle + "`, then `flotta get devices"
                + (dataDir.equals(Path.of("flotta-data")) ? "" : " --admin-dir " + dataDir) + "`");
        new CountDownLatch(1).await();
        return 0;
    }
}
