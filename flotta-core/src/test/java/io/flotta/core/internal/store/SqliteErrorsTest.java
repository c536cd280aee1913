package io.flotta.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqliteErrorsTest {

    @Test
    void transientConditionsAreUnavailableAndKeepTheCause() {
        SQLException busy = new SQLException("database is locked", null, 5);

        FlottaException translated = SqliteErrors.translate("writing", busy);

        assertThat(translated.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(translated.getMessage()).isEqualTo("writing: database is locked");
        assertThat(translated.getCause()).isSameAs(busy);
    }

    @Test
    void extendedCodesAreReducedToTheirPrimaryCode() {
        // SQLITE_IOERR_FSYNC = SQLITE_IOERR | (4 << 8)
        assertThat(SqliteErrors.code(new SQLException("fsync", null, 10 | (4 << 8)))).isEqualTo(Code.UNAVAILABLE);
        // SQLITE_FULL
        assertThat(SqliteErrors.code(new SQLException("full", null, 13))).isEqualTo(Code.UNAVAILABLE);
    }

    @Test
    void corruptionAndMisuseAreInternal() {
        assertThat(SqliteErrors.code(new SQLException("corrupt", null, 11))).isEqualTo(Code.INTERNAL);
        assertThat(SqliteErrors.code(new SQLException("not a database", null, 26))).isEqualTo(Code.INTERNAL);
        assertThat(SqliteErrors.code(new SQLException("constraint", null, 19))).isEqualTo(Code.INTERNAL);
        assertThat(SqliteErrors.code(new SQLException("no code"))).isEqualTo(Code.INTERNAL);
    }
}
