package io.flotta.spi.transport;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a device reaches the control plane.
 *
 * @param server         the control plane's address, e.g. {@code https://127.0.0.1:8043}
 * @param trustAnchors   CA certificates that the server's certificate must chain to
 * @param identity       the initial client identity (usually the registration certificate)
 * @param connectTimeout connection timeout
 * @param requestTimeout timeout of one ordinary request; long polls add their wait to it
 */
public record TransportClientConfig(
        URI server,
        List<X509Certificate> trustAnchors,
        ClientIdentity identity,
        Duration connectTimeout,
        Duration requestTimeout) {

    public TransportClientConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(identity, "identity");
        trustAnchors = List.copyOf(trustAnchors);
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
    }
}
