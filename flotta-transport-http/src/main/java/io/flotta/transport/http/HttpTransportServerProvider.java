package io.flotta.transport.http;

import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.flotta.spi.transport.TransportServerProvider;
import io.flotta.transport.http.internal.JettyTransportServer;

/**
 * Serves the device API over HTTPS with client certificates, wire-compatible with upstream Flotta
 * (see the package documentation for the mapping). Found by {@code ServiceLoader} under the name
 * {@code http}.
 */
public final class HttpTransportServerProvider implements TransportServerProvider {

    public static final String NAME = "http";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String unavailableReason() {
        try {
            Class.forName("org.eclipse.jetty.server.Server", false, HttpTransportServerProvider.class.getClassLoader());
            return "";
        } catch (ClassNotFoundException | LinkageError e) {
            return "Jetty is not on the class path (add org.eclipse.jetty:jetty-server)";
        }
    }

    @Override
    public TransportServer start(TransportServerConfig config, DeviceApi api) {
        return JettyTransportServer.start(config, api);
    }
}
