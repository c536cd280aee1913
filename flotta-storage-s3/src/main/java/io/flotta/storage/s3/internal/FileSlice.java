package io.flotta.storage.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * {@code length} bytes of a file from {@code offset}, opened without following a symbolic link,
 * as a fresh stream for every attempt the SDK makes.
 */
final class FileSlice implements ContentStreamProvider {

    private final Path file;
    private final long offset;
    private final long length;

    FileSlice(Path file, long offset, long length) {
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public InputStream newStream() {
        try {
            FileChannel channel = open(file);
            channel.position(offset);
            return new SliceStream(channel, length);
        } catch (IOException e) {
            throw new UncheckedIOException(new LocalFileProblem("cannot read " + file + ": " + e.getMessage(), e));
        }
    }

    @Override
    public String name() {
        return "FileSlice";
    }

    /**
     * The file, not the store, failed while a request was being sent: retrying the request cannot
     * help, a later pass can. Recognised in the SDK's exception chain by {@link S3Errors}.
     */
    static final class LocalFileProblem extends IOException {
        LocalFileProblem(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Ends after {@code remaining} bytes; a file shorter than promised is an error, not a short body. */
    private static final class SliceStream extends InputStream {
        private final FileChannel channel;
        private long remaining;

        SliceStream(FileChannel channel, long remaining) {
            this.channel = channel;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int want = (int) Math.min(len, remaining);
            int n = channel.read(ByteBuffer.wrap(b, off, want));
            if (n < 0) {
                throw new LocalFileProblem("the file shrank while it was being sent", null);
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, remaining);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
