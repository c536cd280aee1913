package io.flotta.core.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, so a fleet that lost its control plane does not come back
 * in lock step. Not thread-safe: one per loop. Public for transports that reconnect streams.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int attempt;

    public Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The next delay: random in [ceiling/2, ceiling], ceiling doubling up to the maximum. */
    public Duration next() {
        long ceiling = Math.min(maxMillis, initialMillis << Math.min(attempt, 20));
        attempt++;
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    public void reset() {
        attempt = 0;
    }
}
