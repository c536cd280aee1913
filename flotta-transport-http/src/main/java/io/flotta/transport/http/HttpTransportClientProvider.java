package io.flotta.transport.http;

import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.transport.http.internal.SocketTransportClient;

/**
 * The device side of the HTTP transport, HTTP/1.1 over the JDK's TLS sockets (no extra dependency
 * on a device, no thread of its own). Found by {@code ServiceLoader} under the name {@code http}.
 */
public final class HttpTransportClientProvider implements TransportClientProvider {

    public static final String NAME = "http";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TransportClient create(TransportClientConfig config) {
        return new SocketTransportClient(config);
    }
}
