package io.flotta.transport.grpc;

import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.transport.grpc.internal.ClientResources;
import io.flotta.transport.grpc.internal.GrpcTransportClient;

/**
 * The device side of the gRPC transport. Found by {@code ServiceLoader} under the name {@code grpc}.
 *
 * <p>All clients created by one instance share one Netty event-loop group and one callback
 * executor (created with the first client, stopped with the last one closed); each client has its
 * own channel and TLS context. One instance can therefore serve thousands of simulated devices.
 */
public final class GrpcTransportClientProvider implements TransportClientProvider {

    public static final String NAME = "grpc";

    private final ClientResources resources = new ClientResources();

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
    public TransportClient create(TransportClientConfig config) {
        return new GrpcTransportClient(config, resources);
    }

    /** Clients of this instance not closed yet. */
    public int openClients() {
        return resources.clients();
    }
}
