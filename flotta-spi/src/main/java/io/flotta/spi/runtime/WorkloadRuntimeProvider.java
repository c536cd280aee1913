package io.flotta.spi.runtime;

import io.flotta.spi.Provider;
import io.flotta.spi.ProviderConfig;

/** Creates a {@link WorkloadRuntime}. Registered in {@code META-INF/services}. */
public interface WorkloadRuntimeProvider extends Provider {

    WorkloadRuntime create(ProviderConfig config);
}
