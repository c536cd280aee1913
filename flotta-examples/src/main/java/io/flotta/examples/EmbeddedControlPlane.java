package io.flotta.examples;

import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.internal.store.EmbeddedStore;
import io.flotta.core.pki.Tls;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.examples.admin.AdminCredentials;
import io.flotta.examples.admin.AdminServer;
import io.flotta.examples.metrics.ControlPlaneMetrics;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateAuthorityProvider;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreProvider;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.spi.transport.TransportServerProvider;
import io.flotta.storage.s3.S3ObjectStorage;
import io.flotta.storage.s3.S3StorageSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A whole control plane in one process: the embedded store and CA (or whichever providers are
 * selected), the engine, a transport server on the device port with a server certificate from
 * the CA (and, with {@link Builder#grpcPort}, the gRPC transport on a second port, same engine),
 * object storage for workload data (by default a real S3 server, S3Proxy, on loopback storing
 * files under the data directory, or any S3 endpoint given with {@link Builder#s3Endpoint}),
 * its metrics, and (when {@link Builder#adminPort} is set) the admin API with {@code /metrics} on a
 * second port.
 */
public final class EmbeddedControlPlane implements AutoCloseable {

    private static final String GRPC = "grpc";

    private final Store store;
    private final CertificateAuthority ca;
    private final ControlPlane controlPlane;
    private final TransportServer server;
    /** The provider name of {@link #server}: the transport the bundle's server URL speaks. */
    private final String serverTransport;
    private final TransportServer grpcServer;
    private final ControlPlaneMetrics metrics;
    private final AdminServer admin;
    private final String host;
    private final EmbeddedObjectStore objectStore;
    private final S3ObjectStorage objectStorage;

    private EmbeddedControlPlane(Builder b) {
        Path dir = Objects.requireNonNull(b.dataDirectory, "dataDirectory");
        this.host = b.host;
        // embedded store and CA unless named: the Kubernetes ones (priority 10) are on the class path
        // too and would otherwise be picked wherever a kubeconfig exists
        this.store = embeddedUnlessNamed(ProviderRegistry.discover(StoreProvider.class), b.store)
                .create(ProviderConfig.of(dir.resolve("store")));
        this.ca = embeddedUnlessNamed(ProviderRegistry.discover(CertificateAuthorityProvider.class), null)
                .create(ProviderConfig.of(dir.resolve("ca")));
        String storeHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        if (b.s3Endpoint != null) {
            this.objectStore = null;
            this.objectStorage = S3ObjectStorage.create(S3StorageSettings.builder().endpoint(b.s3Endpoint)
                    .credentials(b.s3AccessKeyId, b.s3SecretAccessKey).stateDirectory(dir.resolve("object-storage"))
                    .build());
        } else if (b.embeddedObjectStore) {
            this.objectStore = EmbeddedObjectStore.start(dir.resolve("s3"), storeHost, b.objectStorePort, ca);
            this.objectStorage = S3ObjectStorage.create(objectStore.settings(dir.resolve("object-storage")).build());
        } else {
            this.objectStore = null;
            this.objectStorage = null;
        }
        ControlPlane.Builder engine = ControlPlane.builder().store(store).certificateAuthority(ca).options(b.options);
        if (objectStorage != null) {
            engine.objectStorage(objectStorage).dataUploadInterval(b.dataUploadInterval);
        }
        this.controlPlane = engine.build();
        List<String> ips = new ArrayList<>(b.serverIps);
        // the admin API presents the same certificate, so it must name the admin address too
        for (String address : List.of(host, b.adminHost)) {
            if (!ips.contains(address) && address.matches("[0-9.]+") && !address.equals("0.0.0.0")) {
                ips.add(address);
            }
        }
        IssuedCredential serverCredential = ca.issueServer(b.serverNames, ips, Duration.ofDays(365));
        TransportServerProvider transport = ProviderRegistry.discover(TransportServerProvider.class)
                .selectConfigured(b.transport);
        this.serverTransport = transport.name();
        SSLContext tls = Tls.serverContext(serverCredential.key(), serverCredential.chain());
        this.metrics = new ControlPlaneMetrics(controlPlane);
        // one metered API for every transport: the metrics count devices, whatever they speak
        DeviceApi api = metrics.meter(controlPlane.deviceApi());
        this.server = transport.start(new TransportServerConfig(host, b.port, tls, b.maxBodyBytes,
                Duration.ofMinutes(5)), api);
        TransportServer grpc = null;
        AdminServer adminServer = null;
        try {
            if (b.grpcPort >= 0) {
                grpc = ProviderRegistry.discover(TransportServerProvider.class).select(GRPC)
                        .start(new TransportServerConfig(host, b.grpcPort, tls, b.maxBodyBytes, Duration.ofMinutes(5)),
                                api);
            }
            if (b.adminPort >= 0) {
                adminServer = AdminServer.start(b.adminHost, b.adminPort, tls, controlPlane, ca, this::deviceUrl, metrics,
                        this::backup);
            }
        } catch (RuntimeException e) {
            closeParts(null, grpc);
            throw e;
        }
        this.grpcServer = grpc;
        this.admin = adminServer;
    }

    private static <P extends io.flotta.spi.Provider> P embeddedUnlessNamed(ProviderRegistry<P> registry, String name) {
        boolean named = (name != null && !name.isBlank()) || System.getProperty(registry.propertyKey()) != null;
        return registry.selectConfigured(named ? name : "embedded");
    }

    public static Builder builder() {
        return new Builder();
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public CertificateAuthority certificateAuthority() {
        return ca;
    }

    public ControlPlaneMetrics metrics() {
        return metrics;
    }

    /** The admin API's URL, when it is served. */
    public Optional<URI> adminUrl() {
        return Optional.ofNullable(admin).map(AdminServer::url);
    }

    /**
     * Issues an admin client certificate and writes it, with the CA certificate and the admin API's
     * URL, into {@code directory} (what {@code flotta get …} reads). Needs the admin API.
     */
    public AdminCredentials writeAdminCredentials(Path directory) {
        URI url = adminUrl().orElseThrow(() -> new IllegalStateException("the admin API is not served (no adminPort)"));
        AdminCredentials credentials = AdminCredentials.issue(ca, url, Duration.ofDays(365));
        credentials.write(directory);
        return credentials;
    }

    /** The object storage devices upload to, when there is one. */
    public Optional<S3ObjectStorage> objectStorage() {
        return Optional.ofNullable(objectStorage);
    }

    /** The embedded S3 server's endpoint, when it runs. */
    public Optional<URI> objectStoreEndpoint() {
        return Optional.ofNullable(objectStore).map(EmbeddedObjectStore::endpoint);
    }

    public int port() {
        return server.port();
    }

    /** The URL devices use: the bound address (loopback when bound to all) and port. */
    public URI deviceUrl() {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        return URI.create("https://" + h + ":" + port());
    }

    /**
     * Writes a consistent copy of the store to {@code target} (a new file) while the control plane
     * keeps serving. Only the embedded store has one; the CA's files are backed up apart (see
     * docs/operations.md).
     *
     * @throws FlottaException {@code INVALID_ARGUMENT} if the store is not the embedded one or
     *         {@code target} exists
     */
    public void backup(Path target) {
        if (!(store instanceof EmbeddedStore embedded)) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "the " + store.getClass().getSimpleName()
                    + " store has no backup here: back up what it keeps its data in (for Kubernetes, etcd)");
        }
        embedded.backup(target);
    }

    /** The gRPC device API's URL, when it is served ({@link Builder#grpcPort}). */
    public Optional<URI> grpcDeviceUrl() {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host;
        return Optional.ofNullable(grpcServer).map(s -> URI.create("https://" + h + ":" + s.port()));
    }

    /**
     * Issues a registration certificate and writes a device bootstrap bundle into {@code directory}
     * for the HTTP transport, naming the gRPC address too when it is served.
     */
    public BootstrapBundle writeBootstrapBundle(Path directory) {
        return writeBootstrapBundle(directory, null);
    }

    /** As {@link #writeBootstrapBundle(Path)}, with {@code transport} (e.g. {@code grpc}) as the bundle's transport. */
    public BootstrapBundle writeBootstrapBundle(Path directory, String transport) {
        BootstrapBundle issued = BootstrapBundle.issue(ca, deviceUrl(), Duration.ofDays(365));
        BootstrapBundle bundle = new BootstrapBundle(issued.server(), issued.caCertificates(), issued.registration(),
                serverTransport, Map.of());
        if (grpcServer != null) {
            bundle = bundle.withEndpoint(GRPC, grpcDeviceUrl().orElseThrow());
        }
        bundle = bundle.forTransport(transport);
        bundle.write(directory);
        return bundle;
    }

    @Override
    public void close() {
        closeParts(admin, grpcServer);
    }

    /** Closes what the constructor started, in reverse order; also when it failed half way. */
    private void closeParts(AdminServer adminServer, TransportServer grpc) {
        if (adminServer != null) {
            adminServer.close();
        }
        if (grpc != null) {
            grpc.close();
        }
        server.close();
        controlPlane.close();
        if (objectStorage != null) {
            objectStorage.close();
        }
        if (objectStore != null) {
            objectStore.close();
        }
        store.close();
        ca.close();
    }

    /** Builds and starts an {@link EmbeddedControlPlane}. */
    public static final class Builder {
        private Path dataDirectory;
        private String host = "127.0.0.1";
        private int port = 8043;
        private ControlPlaneOptions options = ControlPlaneOptions.builder().build();
        private List<String> serverNames = List.of("localhost");
        private List<String> serverIps = List.of("127.0.0.1");
        private int maxBodyBytes = 1 << 20;
        private String transport;
        private String store;
        private String adminHost = "127.0.0.1";
        private int adminPort = -1;
        private int grpcPort = -1;
        private boolean embeddedObjectStore = true;
        private int objectStorePort;
        private URI s3Endpoint;
        private String s3AccessKeyId;
        private String s3SecretAccessKey;
        private Duration dataUploadInterval = Duration.ofSeconds(60);

        public Builder dataDirectory(Path value) {
            this.dataDirectory = value;
            return this;
        }

        public Builder host(String value) {
            this.host = Objects.requireNonNull(value, "host");
            return this;
        }

        /** 0 picks a free port. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder options(ControlPlaneOptions value) {
            this.options = Objects.requireNonNull(value, "options");
            return this;
        }

        /** DNS names and IP addresses the server certificate is valid for. */
        public Builder serverNames(List<String> dnsNames, List<String> ipAddresses) {
            this.serverNames = List.copyOf(dnsNames);
            this.serverIps = List.copyOf(ipAddresses);
            return this;
        }

        public Builder maxBodyBytes(int value) {
            this.maxBodyBytes = value;
            return this;
        }

        /** The transport provider's name; default: by priority or system property. */
        public Builder transport(String name) {
            this.transport = name;
            return this;
        }

        /** The store provider's name; default: by priority or system property. */
        public Builder store(String name) {
            this.store = name;
            return this;
        }

        /** Serve the admin API and {@code /metrics} on this port (0 picks a free one); default: not served. */
        public Builder adminPort(int value) {
            this.adminPort = value;
            return this;
        }

        /** Also serve the device API over gRPC on this port (0 picks a free one); default: not served. */
        public Builder grpcPort(int value) {
            this.grpcPort = value;
            return this;
        }

        /** Address of the admin API; default loopback, as {@code /metrics} there needs no certificate. */
        public Builder adminHost(String value) {
            this.adminHost = Objects.requireNonNull(value, "adminHost");
            return this;
        }

        /** Whether to run the embedded S3 server when no {@link #s3Endpoint} is given. Default true. */
        public Builder embeddedObjectStore(boolean value) {
            this.embeddedObjectStore = value;
            return this;
        }

        /** Port of the embedded S3 server; 0 (default) picks a free one. */
        public Builder objectStorePort(int value) {
            this.objectStorePort = value;
            return this;
        }

        /** Use this S3 endpoint for device buckets instead of the embedded server. */
        public Builder s3Endpoint(URI endpoint, String accessKeyId, String secretAccessKey) {
            this.s3Endpoint = endpoint;
            this.s3AccessKeyId = accessKeyId;
            this.s3SecretAccessKey = secretAccessKey;
            return this;
        }

        /** How often devices upload workload data. Default 60 s. */
        public Builder dataUploadInterval(Duration value) {
            this.dataUploadInterval = Objects.requireNonNull(value, "dataUploadInterval");
            return this;
        }

        public EmbeddedControlPlane start() {
            return new EmbeddedControlPlane(this);
        }
    }
}
