package io.flotta.spi.store;

import java.util.Objects;

/** Identifies a {@link Resource}. */
public record ResourceKey(Kind kind, String namespace, String name) {

    public ResourceKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }
}
