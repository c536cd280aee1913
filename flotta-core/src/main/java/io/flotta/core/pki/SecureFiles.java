package io.flotta.core.pki;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * Writes files so that a reader sees the old content or the new, never a torn one, and so that a
 * key is never readable by others, not even for a moment: the content goes to a temporary file in
 * the same directory, created with the final permissions, flushed to disk, then renamed over the
 * target. Needs a file system with POSIX permissions.
 */
public final class SecureFiles {

    /** {@code rw-------}: private keys. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** {@code rw-r--r--}: certificates and other public material. */
    public static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    /** {@code rwx------}: directories holding keys. */
    public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private SecureFiles() {
    }

    /** Writes {@code content} to {@code target} with mode 0600. */
    public static void writePrivate(Path target, byte[] content) {
        write(target, content, OWNER_ONLY);
    }

    /** Writes {@code content} as UTF-8 to {@code target} with mode 0600. */
    public static void writePrivate(Path target, String content) {
        write(target, content.getBytes(StandardCharsets.UTF_8), OWNER_ONLY);
    }

    /** Writes {@code content} as UTF-8 to {@code target} with mode 0644. */
    public static void writePublic(Path target, String content) {
        write(target, content.getBytes(StandardCharsets.UTF_8), WORLD_READABLE);
    }

    /**
     * Atomically replaces {@code target} with {@code content} and gives it exactly
     * {@code permissions} (the umask does not apply). The parent directory must exist.
     */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(permissions, "permissions");
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = null;
        try {
            requirePosix(directory);
            temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(permissions));
            // createTempFile's mode is masked by the umask; set it exactly.
            Files.setPosixFilePermissions(temporary, permissions);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
            syncDirectory(directory);
        } catch (AtomicMoveNotSupportedException e) {
            throw new FlottaException(Code.CONFIGURATION,
                    "cannot replace " + absolute + " atomically on this file system", e);
        } catch (IOException e) {
            throw new FlottaException(Code.INTERNAL, "cannot write " + absolute + ": " + e.getMessage(), e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one worth reporting
                }
            }
        }
    }

    /** Creates {@code directory} (and missing parents) with mode 0700 when it does not exist. */
    public static Path createPrivateDirectory(Path directory) {
        Objects.requireNonNull(directory, "directory");
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            }
            return directory;
        } catch (UnsupportedOperationException e) {
            throw notPosix(directory, e);
        } catch (IOException e) {
            throw new FlottaException(Code.INTERNAL, "cannot create directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void requirePosix(Path directory) throws IOException {
        if (!Files.getFileStore(directory).supportsFileAttributeView("posix")) {
            throw notPosix(directory, null);
        }
    }

    private static FlottaException notPosix(Path path, Throwable cause) {
        return new FlottaException(Code.CONFIGURATION,
                "the file system of " + path + " has no POSIX permissions; key files need mode 0600", cause);
    }

    /** Makes the rename itself durable; where directories cannot be opened the rename still happened. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort by design: see the method comment
        }
    }
}
