package io.flotta.core.internal.store;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreEvent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * A {@link Store} in a SQLite file ({@code flotta.db}) with every resource also held in memory.
 * Reads come from memory; a write returns once SQLite has synced it to disk (WAL, synchronous=FULL),
 * so an acknowledged write survives a crash or power loss. Revisions come from one counter shared
 * by all resources. Last-seen times are written in the background every few seconds. One store
 * owns its directory: a second one opened on it fails.
 */
public final class EmbeddedStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStore.class);
    private static final Duration WATCHER_GRACE = Duration.ofSeconds(5);

    private final EmbeddedStoreSettings settings;
    private final DirectoryLock lock;
    private final ResourceCache cache;
    private final LastSeenTracker lastSeen;
    private final EventDispatcher events;
    private final StoreWriter writer;
    private volatile boolean closed;

    private EmbeddedStore(EmbeddedStoreSettings settings, DirectoryLock lock, StoreDatabase database) throws SQLException {
        this.settings = settings;
        this.lock = lock;
        StoreDatabase.Contents contents = database.load();
        this.cache = new ResourceCache();
        contents.resources().forEach(cache::put);
        this.lastSeen = new LastSeenTracker();
        lastSeen.loaded(contents.lastSeen());
        this.events = new EventDispatcher("flotta-store-events");
        this.writer = new StoreWriter(database, cache, lastSeen, events, contents.lastRevision(),
                settings.lastSeenFlushInterval(), "flotta-store-writer");
        LOG.info("Embedded store opened at {}: {} resources, revision {}", settings.databaseFile(),
                contents.resources().size(), contents.lastRevision());
    }

    /**
     * Opens the store kept in {@code config.directory()}, creating it if needed.
     *
     * @throws ConfigurationException if the directory cannot be used, is used by another store, or
     *         holds a database written by a newer release
     * @throws FlottaException        {@code UNAVAILABLE} or {@code INTERNAL} if SQLite fails
     */
    public static EmbeddedStore open(ProviderConfig config) {
        return open(EmbeddedStoreSettings.from(config), Schema.current());
    }

    static EmbeddedStore open(EmbeddedStoreSettings settings, Schema schema) {
        try {
            Files.createDirectories(settings.directory());
        } catch (IOException e) {
            throw new ConfigurationException("store directory " + settings.directory() + ": cannot create it: " + e, e);
        }
        DirectoryLock lock = DirectoryLock.acquire(settings.directory());
        StoreDatabase database = null;
        try {
            database = StoreDatabase.open(settings.databaseFile(), settings.busyTimeout(), schema);
            return new EmbeddedStore(settings, lock, database);
        } catch (SQLException | RuntimeException e) {
            if (database != null) {
                try {
                    database.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            lock.close();
            if (e instanceof SQLException sql) {
                throw SqliteErrors.translate("opening the store database " + settings.databaseFile(), sql);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public Optional<Resource> get(ResourceKey key) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        return Optional.ofNullable(cache.get(key));
    }

    @Override
    public List<Resource> list(Kind kind) {
        Objects.requireNonNull(kind, "kind");
        ensureOpen();
        return cache.list(kind);
    }

    @Override
    public Resource create(Resource resource) {
        requireIdentity(resource);
        JsonText.requireObject("spec", resource.spec());
        JsonText.requireObject("status", resource.status());
        ensureOpen();
        return writer.create(resource);
    }

    @Override
    public Resource update(Resource resource) {
        requireIdentity(resource);
        requireRevision(resource);
        JsonText.requireObject("spec", resource.spec());
        ensureOpen();
        return writer.update(resource);
    }

    @Override
    public Resource updateStatus(Resource resource) {
        requireIdentity(resource);
        requireRevision(resource);
        JsonText.requireObject("status", resource.status());
        ensureOpen();
        return writer.updateStatus(resource);
    }

    @Override
    public boolean delete(ResourceKey key) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        return writer.delete(key);
    }

    @Override
    public boolean delete(Resource resource) {
        requireIdentity(resource);
        requireRevision(resource);
        ensureOpen();
        return writer.delete(resource);
    }

    /**
     * Remembers when a device was last seen; the time is written to disk within the flush interval.
     * A time earlier than the one already recorded is ignored, and so is a resource that does not
     * exist (its heartbeat raced with its deletion).
     */
    @Override
    public void recordLastSeen(ResourceKey device, Instant time) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(time, "time");
        ensureOpen();
        if (cache.contains(device)) {
            lastSeen.record(device, time);
        }
    }

    @Override
    public Map<ResourceKey, Instant> lastSeen() {
        ensureOpen();
        Map<ResourceKey, Instant> times = lastSeen.times();
        // a heartbeat racing with a deletion may have left a time behind for a moment
        if (times.keySet().stream().allMatch(cache::contains)) {
            return times;
        }
        return times.entrySet().stream().filter(e -> cache.contains(e.getKey()))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Override
    public AutoCloseable watch(Consumer<StoreEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        ensureOpen();
        return events.subscribe(listener);
    }

    /**
     * Writes a consistent copy of the database to {@code target} while the store keeps serving:
     * SQLite's {@code VACUUM INTO} runs on a connection of its own inside one read transaction, so
     * the copy holds exactly the writes committed when it started, and writers are not blocked (WAL).
     * Last-seen times are in it as of their last flush (see {@code embedded.last-seen-flush-interval}).
     * The copy is written beside {@code target}, synced, then moved into place, so {@code target}
     * either is a complete database or does not exist; a missing directory of {@code target} is
     * created first (a scheduled backup into a new directory works the first time). To restore, put the file as {@code flotta.db}
     * into the directory of a store that is not open (and remove any {@code flotta.db-wal} and
     * {@code flotta.db-shm} there).
     *
     * @throws FlottaException {@code INVALID_ARGUMENT} if {@code target} exists, {@code UNAVAILABLE}
     *         if the copy cannot be written (disk full, no permission)
     */
    public void backup(Path target) {
        Objects.requireNonNull(target, "target");
        ensureOpen();
        Path file = target.toAbsolutePath();
        if (Files.exists(file)) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "backup target " + file
                    + " exists: choose a new file name or remove it first");
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(partial);
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            config.setBusyTimeout((int) settings.busyTimeout().toMillis());
            try (Connection connection = config.createConnection("jdbc:sqlite:" + settings.databaseFile());
                 PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
                vacuum.setString(1, partial.toString());
                vacuum.execute();
            }
            // VACUUM INTO does not sync what it wrote; a backup must survive a crash right after it
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file);
            }
            LOG.info("Embedded store at {} backed up to {} ({} bytes)", settings.databaseFile(), file, Files.size(file));
        } catch (SQLException e) {
            deleteQuietly(partial);
            throw SqliteErrors.translate("backing up the store database to " + file, e);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new FlottaException(Code.UNAVAILABLE, "backing up the store database to " + file + ": " + e, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Could not remove {}", file, e);
        }
    }

    /** Finishes accepted writes, persists last-seen times, closes the database and stops both threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        writer.close();
        events.close(WATCHER_GRACE);
        lock.close();
        LOG.info("Embedded store at {} closed", settings.databaseFile());
    }

    private void ensureOpen() {
        if (closed) {
            throw StoreWriter.closed();
        }
    }

    private static void requireIdentity(Resource resource) {
        Objects.requireNonNull(resource, "resource");
        if (resource.namespace().isBlank()) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "namespace: must not be blank");
        }
        if (resource.name().isBlank()) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "name: must not be blank");
        }
    }

    private static void requireRevision(Resource resource) {
        if (resource.revision() == null) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "revision: required to update "
                    + StoreWriter.describe(resource.key()) + "; read the resource first");
        }
    }
}
