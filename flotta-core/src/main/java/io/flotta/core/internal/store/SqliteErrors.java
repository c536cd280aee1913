package io.flotta.core.internal.store;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.sql.SQLException;

/** Translates SQLite failures into {@link FlottaException}s whose code tells the caller whether to retry. */
final class SqliteErrors {

    // SQLite primary result codes (the low byte of an extended code)
    private static final int BUSY = 5;
    private static final int LOCKED = 6;
    private static final int NOMEM = 7;
    private static final int READONLY = 8;
    private static final int IOERR = 10;
    private static final int FULL = 13;
    private static final int CANTOPEN = 14;
    private static final int PROTOCOL = 15;

    private SqliteErrors() {
    }

    static FlottaException translate(String doing, SQLException e) {
        return new FlottaException(code(e), doing + ": " + e.getMessage(), e);
    }

    static Code code(SQLException e) {
        return switch (e.getErrorCode() & 0xff) {
            // the disk, the file system or another process is in the way: it may pass
            case BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL -> Code.UNAVAILABLE;
            // corruption, constraint violations, misuse: retrying will not help
            default -> Code.INTERNAL;
        };
    }
}
