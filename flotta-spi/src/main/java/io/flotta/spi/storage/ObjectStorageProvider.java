package io.flotta.spi.storage;

import io.flotta.spi.Provider;
import io.flotta.spi.ProviderConfig;

/** Creates an {@link ObjectStorage}. Registered in {@code META-INF/services}. */
public interface ObjectStorageProvider extends Provider {

    ObjectStorage create(ProviderConfig config);
}
