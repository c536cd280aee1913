package io.flotta.spi.transport;

/**
 * What the device agent calls. One instance per agent.
 *
 * <p>Contract: thread-safe. {@link #send} blocks until the answer arrives (for a long poll, up to the
 * request's wait plus the request timeout) and returns every HTTP-level answer, errors included, as
 * a {@link DeviceResponse}; it throws {@link io.flotta.spi.FlottaException} with code
 * {@code UNAVAILABLE} only when no answer came (connection refused, timeout, TLS failure).
 * {@link #useIdentity} takes effect for the next request: no connection made with the old identity
 * is reused afterwards, since the server reads identity from the TLS handshake.
 */
public interface TransportClient extends AutoCloseable {

    DeviceResponse send(DeviceRequest request);

    void useIdentity(ClientIdentity identity);

    @Override
    void close();
}
