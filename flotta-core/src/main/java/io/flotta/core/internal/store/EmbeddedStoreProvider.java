package io.flotta.core.internal.store;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreProvider;

/**
 * The {@code embedded} store: a SQLite database in the provider's directory. Ranked low so that a
 * Kubernetes store, when present, wins without being named. Needs {@code org.xerial:sqlite-jdbc},
 * an optional dependency of flotta-core.
 */
public final class EmbeddedStoreProvider implements StoreProvider {

    static final String NAME = "embedded";
    static final String DRIVER_CLASS = "org.sqlite.JDBC";
    static final String ARTIFACT = "org.xerial:sqlite-jdbc";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public String unavailableReason() {
        try {
            Class.forName(DRIVER_CLASS, false, EmbeddedStoreProvider.class.getClassLoader());
            return "";
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return "the embedded store needs the SQLite driver: add " + ARTIFACT
                    + " to the class path (an optional dependency of flotta-core)";
        }
    }

    @Override
    public Store create(ProviderConfig config) {
        String reason = unavailableReason();
        if (!reason.isEmpty()) {
            throw new ConfigurationException(reason);
        }
        return EmbeddedStore.open(config);
    }
}
