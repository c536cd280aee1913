package io.flotta.transport.http.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body without blocking and without holding more than {@code limit} bytes: it
 * copies chunks as Jetty delivers them and asks to be called back when none is ready. This also
 * covers chunked bodies, whose size is known only at the end.
 *
 * <p>A body over the limit is read on and thrown away, up to {@code drainLimit} bytes in all, before
 * the listener hears of it. Answering 413 while the client is still sending and then closing
 * would make the client's TCP stack see a reset and lose the answer; draining lets the 413 arrive
 * on a connection that stays usable. Past {@code drainLimit} the listener is told at once and the
 * connection will be closed.
 */
final class BodyReader implements Runnable {

    interface Listener {
        void onBody(byte[] body);

        /** The body is over the limit; {@code drained} tells whether all of it has been read. */
        void onTooLarge(boolean drained);

        void onFailure(Throwable failure);
    }

    private static final int INITIAL_CAPACITY = 4096;

    private final Request request;
    private final int limit;
    private final long drainLimit;
    private final Listener listener;
    private byte[] buffer;
    private int size;
    private long total;
    private boolean draining;

    /**
     * @param declaredLength the Content-Length, or -1 when unknown
     * @param draining       whether the body is already known to be too large and is only to be drained
     */
    BodyReader(Request request, int limit, long drainLimit, long declaredLength, boolean draining, Listener listener) {
        this.request = request;
        this.limit = limit;
        this.drainLimit = drainLimit;
        this.listener = listener;
        this.draining = draining;
        this.buffer = draining
                ? new byte[0]
                : new byte[(int) Math.min(limit, declaredLength >= 0 ? declaredLength : INITIAL_CAPACITY)];
    }

    /** Reads what is available; re-arms itself through {@link Request#demand} until the body ends. */
    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                listener.onFailure(chunk.getFailure());
                return;
            }
            boolean last = chunk.isLast();
            try {
                ByteBuffer data = chunk.getByteBuffer();
                total += data.remaining();
                if (!draining && !append(data)) {
                    draining = true;
                    buffer = null;
                }
            } finally {
                chunk.release();
            }
            if (draining && (last || total > drainLimit)) {
                listener.onTooLarge(last);
                return;
            }
            if (last) {
                listener.onBody(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
                return;
            }
        }
    }

    private boolean append(ByteBuffer data) {
        int n = data.remaining();
        if (n > limit - size) {
            return false;
        }
        if (size + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max((long) buffer.length * 2, size + n)));
        }
        data.get(buffer, size, n);
        size += n;
        return true;
    }
}
