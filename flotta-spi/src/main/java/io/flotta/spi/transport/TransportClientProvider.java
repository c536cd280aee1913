package io.flotta.spi.transport;

import io.flotta.spi.Provider;

/** Creates the device side of a transport. Registered in {@code META-INF/services}. */
public interface TransportClientProvider extends Provider {

    TransportClient create(TransportClientConfig config);
}
