package io.flotta.spi.store;

import io.flotta.spi.Provider;
import io.flotta.spi.ProviderConfig;

/** Creates a {@link Store}. The embedded provider keeps its database in {@link ProviderConfig#directory()}. */
public interface StoreProvider extends Provider {

    Store create(ProviderConfig config);
}
