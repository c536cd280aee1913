package io.flotta.core.providers;

import io.flotta.spi.ca.CertificateAuthorityProvider;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import io.flotta.spi.storage.ObjectStorageProvider;
import io.flotta.spi.store.StoreProvider;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.spi.transport.TransportServerProvider;
import java.util.Map;

/**
 * Per SPI: the system property that selects a provider by name, and the artifacts that provide one,
 * so that a "nothing found" error tells the reader what to add.
 *
 * @param propertyKey the system property naming the provider to use
 * @param artifacts   Maven coordinates to suggest; empty for SPIs this project does not know
 */
record SpiHints(String propertyKey, String artifacts) {

    private static final String TRANSPORTS = "io.flotta:flotta-transport-http or io.flotta:flotta-transport-grpc";

    private static final Map<Class<?>, SpiHints> KNOWN = Map.of(
            TransportServerProvider.class, new SpiHints("flotta.transport.server", TRANSPORTS),
            TransportClientProvider.class, new SpiHints("flotta.transport.client", TRANSPORTS),
            WorkloadRuntimeProvider.class, new SpiHints("flotta.runtime", "io.flotta:flotta-runtime-podman"),
            CertificateAuthorityProvider.class, new SpiHints("flotta.ca", "io.flotta:flotta-core"),
            ObjectStorageProvider.class, new SpiHints("flotta.storage", "io.flotta:flotta-storage-s3"),
            StoreProvider.class, new SpiHints("flotta.store", "io.flotta:flotta-core"));

    static SpiHints of(Class<?> spi) {
        SpiHints known = KNOWN.get(spi);
        return known != null ? known : new SpiHints("flotta." + spi.getSimpleName(), "");
    }
}
