package io.flotta.transport.yggdrasil;

import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.transport.yggdrasil.internal.UnixSockets;
import io.flotta.transport.yggdrasil.internal.WorkerTransportClient;

/**
 * Provider {@code yggdrasil}: the agent as a worker of a yggdrasil gateway (Red Hat's, or one built
 * from this library). The gateway starts the worker with {@code YGG_SOCKET_ADDR}; the provider is
 * available only then, and wins over {@code http} when it is, so an agent started by a gateway
 * talks through it without being told. The config's server and trust anchors are not used: the
 * gateway holds the connection to the control plane; its identity is what the client writes to the
 * gateway's certificate files.
 */
public final class YggdrasilTransportClientProvider implements TransportClientProvider {

    /** The environment variable through which the gateway passes its dispatcher's socket. */
    public static final String SOCKET_ENV = "YGG_SOCKET_ADDR";

    private final String socketAddress;

    /** Reads the dispatcher's socket from {@value #SOCKET_ENV}. */
    public YggdrasilTransportClientProvider() {
        this(System.getenv(SOCKET_ENV));
    }

    /** Talks to the dispatcher at {@code socketAddress} ({@code unix:@name} or {@code unix:/path}). */
    public YggdrasilTransportClientProvider(String socketAddress) {
        this.socketAddress = socketAddress;
    }

    @Override
    public String name() {
        return "yggdrasil";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String unavailableReason() {
        if (socketAddress == null || socketAddress.isBlank()) {
            return SOCKET_ENV + " is not set: not started by a yggdrasil gateway";
        }
        try {
            return UnixSockets.available() ? "" : UnixSockets.unavailableReason();
        } catch (RuntimeException | LinkageError e) {
            return "the epoll transport cannot load: " + e;
        }
    }

    @Override
    public TransportClient create(TransportClientConfig config) {
        return new WorkerTransportClient(socketAddress, config.identity(), config.requestTimeout());
    }
}
