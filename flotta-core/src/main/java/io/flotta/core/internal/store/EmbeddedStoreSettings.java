package io.flotta.core.internal.store;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The embedded store's settings, read from a {@link ProviderConfig}.
 *
 * @param directory             where {@code flotta.db} lives; created if missing
 * @param lastSeenFlushInterval how often last-seen times are written ({@value #LAST_SEEN_FLUSH}, default 5 s)
 * @param busyTimeout           how long SQLite waits for a lock held elsewhere ({@value #BUSY_TIMEOUT}, default 5 s)
 */
record EmbeddedStoreSettings(Path directory, Duration lastSeenFlushInterval, Duration busyTimeout) {

    static final String LAST_SEEN_FLUSH = "embedded.last-seen-flush-interval";
    static final String BUSY_TIMEOUT = "embedded.busy-timeout";
    static final String DATABASE_FILE = "flotta.db";

    EmbeddedStoreSettings {
        if (directory == null) {
            throw new ConfigurationException("directory: the embedded store needs a directory for " + DATABASE_FILE);
        }
        requirePositive(LAST_SEEN_FLUSH, lastSeenFlushInterval);
        requirePositive(BUSY_TIMEOUT, busyTimeout);
    }

    static EmbeddedStoreSettings from(ProviderConfig config) {
        return new EmbeddedStoreSettings(config.directory(),
                duration(config, LAST_SEEN_FLUSH, Duration.ofSeconds(5)),
                duration(config, BUSY_TIMEOUT, Duration.ofSeconds(5)));
    }

    Path databaseFile() {
        return directory.resolve(DATABASE_FILE);
    }

    private static Duration duration(ProviderConfig config, String key, Duration defaultValue) {
        String text = config.property(key).orElse(null);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(key + ": '" + text + "' is not an ISO-8601 duration such as PT5S", e);
        }
    }

    private static void requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigurationException(key + ": must be a positive duration, was " + value);
        }
    }
}
