package io.flotta.spi.transport;

import io.flotta.spi.Provider;

/** Serves a {@link DeviceApi} over some wire. Registered in {@code META-INF/services}. */
public interface TransportServerProvider extends Provider {

    /** Starts listening before it returns; throws {@link io.flotta.spi.FlottaException} if it cannot bind. */
    TransportServer start(TransportServerConfig config, DeviceApi api);
}
