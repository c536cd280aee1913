package io.flotta.transport.http.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body without blocking and without holding more than {@code limit} bytes: it
 * copies chunks as Jetty delivers them, asks to be called back when none is ready, and stops at
 * the first byte over the limit. This also covers chunked bodies, whose size is known only at the
 * end.
 */
final class BodyReader implements Runnable {

    interface Listener {
        void onBody(byte[] body);

        void onTooLarge();

        void onFailure(Throwable failure);
    }

    private static final int INITIAL_CAPACITY = 4096;

    private final Request request;
    private final int limit;
    private final Listener listener;
    private byte[] buffer;
    private int size;

    BodyReader(Request request, int limit, long declaredLength, Listener listener) {
        this.request = request;
        this.limit = limit;
        this.listener = listener;
        this.buffer = new byte[(int) Math.min(limit, declaredLength >= 0 ? declaredLength : INITIAL_CAPACITY)];
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
            boolean fits;
            try {
                fits = append(chunk.getByteBuffer());
            } finally {
                chunk.release();
            }
            if (!fits) {
                listener.onTooLarge();
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
