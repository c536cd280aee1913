package io.flotta.transport.http.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.Callback;

/**
 * Completes Jetty's callback exactly once. An exchange can end from two sides at nearly the same
 * time — the API's stage completing, or Jetty failing the request (idle timeout, shutdown) — and
 * the loser must neither touch the response nor complete the callback again.
 */
final class OnceCallback implements Callback {

    private final Callback delegate;
    private final AtomicBoolean done = new AtomicBoolean();

    OnceCallback(Callback delegate) {
        this.delegate = delegate;
    }

    boolean isDone() {
        return done.get();
    }

    @Override
    public void succeeded() {
        if (done.compareAndSet(false, true)) {
            delegate.succeeded();
        }
    }

    @Override
    public void failed(Throwable failure) {
        if (done.compareAndSet(false, true)) {
            delegate.failed(failure);
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return delegate.getInvocationType();
    }
}
