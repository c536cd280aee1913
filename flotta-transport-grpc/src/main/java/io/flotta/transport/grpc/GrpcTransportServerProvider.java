package io.flotta.transport.grpc;

import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.spi.transport.TransportServerProvider;
import io.flotta.transport.grpc.internal.GrpcTransportServer;

/**
 * Serves the device API over gRPC with client certificates (see {@code flotta/device/v1/device.proto}
 * and docs/transport-grpc.md). Found by {@code ServiceLoader} under the name {@code grpc}.
 */
public final class GrpcTransportServerProvider implements TransportServerProvider {

    public static final String NAME = "grpc";

    @Override
    public String name() {
        return NAME;
    }

    /** Below the default: where both transports are present and none is named, HTTP (what upstream speaks) wins. */
    @Override
    public int priority() {
        return 4;
    }

    @Override
    public TransportServer start(TransportServerConfig config, DeviceApi api) {
        return GrpcTransportServer.start(config, api);
    }
}
