package io.flotta.spi.transport;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a transport server listens.
 *
 * @param host         address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port         port to bind; 0 picks a free one (see {@link TransportServer#port()})
 * @param sslContext   server identity; the server must <em>request</em> (not require) a client
 *                     certificate and must not reject one for being expired or unknown: the
 *                     {@link DeviceApi} verifies it and answers 401 itself
 * @param maxBodyBytes larger request bodies are refused with 413 before they reach the API
 * @param maxWait      the longest long poll a client may ask for
 */
public record TransportServerConfig(
        String host, int port, SSLContext sslContext, int maxBodyBytes, Duration maxWait) {

    public TransportServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(sslContext, "sslContext");
        Objects.requireNonNull(maxWait, "maxWait");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
    }
}
