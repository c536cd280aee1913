package io.flotta.spi.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** A key the CA generated together with its certificate chain, leaf first. */
public record IssuedCredential(PrivateKey key, List<X509Certificate> chain) {

    public IssuedCredential {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }
}
