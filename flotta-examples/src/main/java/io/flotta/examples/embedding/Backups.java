package io.flotta.examples.embedding;

import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.spi.FlottaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Store backups taken by the application that embeds the control plane. */
public final class Backups {

    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);

    private Backups() {
    }

    /** Backs the store up into {@code directory} once a day, one file per day. */
    public static ScheduledFuture<?> daily(EmbeddedControlPlane cp, Path directory, ScheduledExecutorService scheduler) {
        // tag::daily[]
        return scheduler.scheduleAtFixedRate(() -> {
            Path file = directory.resolve("flotta-" + LocalDate.now(ZoneOffset.UTC) + ".db");
            try {
                if (!Files.exists(file)) {
                    cp.backup(file);    // consistent, while devices keep heartbeating
                }
            } catch (FlottaException e) {
                // an exception would cancel the schedule: log it and try again tomorrow
                LOG.error("Store backup to {} failed", file, e);
            }
        }, 0, 1, TimeUnit.DAYS);
        // end::daily[]
    }
}
