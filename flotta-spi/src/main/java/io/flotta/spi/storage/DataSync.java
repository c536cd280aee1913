package io.flotta.spi.storage;

import java.nio.file.Path;

/**
 * Device side: mirrors a workload's data directory into the device's bucket.
 *
 * <p>Contract: incremental (unchanged files are not sent again), never follows a symbolic link out
 * of {@code directory}, and safe to call again after a failure; errors of single files are reported
 * in the {@link SyncResult}, an unreachable store throws {@link io.flotta.spi.FlottaException}
 * ({@code UNAVAILABLE}).
 */
public interface DataSync extends AutoCloseable {

    SyncResult sync(Path directory, String prefix);

    @Override
    void close();
}
