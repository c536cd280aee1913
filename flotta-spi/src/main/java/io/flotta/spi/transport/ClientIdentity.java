package io.flotta.spi.transport;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** A TLS client identity: a private key and its certificate chain, leaf first. */
public record ClientIdentity(PrivateKey key, List<X509Certificate> chain) {

    public ClientIdentity {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain must hold at least the leaf certificate");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }
}
