package io.flotta.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureFilesTest {

    @TempDir
    Path directory;

    @Test
    void privateFilesGetMode0600() throws Exception {
        Path key = directory.resolve("device.key");

        SecureFiles.writePrivate(key, "secret");

        assertThat(Files.readString(key)).isEqualTo("secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void replacingAWorldReadableFileLeavesOnlyTheOwnerReading() throws Exception {
        Path key = directory.resolve("device.key");
        Files.writeString(key, "old and exposed");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw-rw-"));

        SecureFiles.writePrivate(key, "new".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(key)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void publicFilesGetMode0644() throws Exception {
        Path certificate = directory.resolve("device.crt");

        SecureFiles.writePublic(certificate, "-----BEGIN CERTIFICATE-----");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certificate))).isEqualTo("rw-r--r--");
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws Exception {
        Path target = directory.resolve("occupied");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "x");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SecureFiles.writePrivate(target, "data"))
                .isInstanceOf(io.flotta.spi.FlottaException.class)
                .hasMessageContaining(target.getFileName().toString());

        assertThat(Files.isDirectory(target)).isTrue();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void privateDirectoriesGetMode0700() throws Exception {
        Path keys = directory.resolve("a/b/keys");

        SecureFiles.createPrivateDirectory(keys);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
    }

    private Stream<Path> leftovers() throws Exception {
        return Files.list(directory).filter(p -> p.getFileName().toString().endsWith(".tmp")).toList().stream();
    }
}
