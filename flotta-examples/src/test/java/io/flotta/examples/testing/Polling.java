package io.flotta.examples.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waiting in tests: for a condition that something else brings about, or for time to pass. */
public final class Polling {

    /** Often enough that a measured interval is off by little, rarely enough not to load the machine. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(10);

    private Polling() {
    }

    /** Polls {@code probe} every 10 ms until it yields a value; fails naming {@code what}. */
    public static <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) {
        return await(what, timeout, DEFAULT_INTERVAL, probe);
    }

    /**
     * Polls {@code probe} every {@code interval} until it yields a value and returns it; fails
     * naming {@code what} when {@code timeout} passes without one. A probe that is costly (one that
     * runs a command, say) wants a longer interval.
     */
    public static <T> T await(String what, Duration timeout, Duration interval, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            sleep(interval, what);
        }
    }

    /** Lets {@code duration} pass, for a test that must show something does not happen meanwhile. */
    public static void pause(Duration duration) {
        sleep(duration, "a pause of " + duration.toMillis() + " ms");
    }

    private static void sleep(Duration duration, String what) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }
}
