package io.flotta.spi.transport;

/** A running transport server. {@link #close()} stops it and releases its port; idempotent. */
public interface TransportServer extends AutoCloseable {

    /** The port actually bound. */
    int port();

    @Override
    void close();
}
