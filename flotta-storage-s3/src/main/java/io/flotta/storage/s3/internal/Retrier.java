package io.flotta.storage.s3.internal;

import io.flotta.spi.FlottaException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs one S3 request with retries: exponential backoff with full jitter between attempts, only for
 * failures where retrying can help (unreachable store, 5xx, throttling). The SDK's own retries are
 * off, so this is the one place that decides.
 */
public final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    private final String bucket;
    private final int maxAttempts;
    private final long initialMillis;
    private final long maxMillis;

    public Retrier(String bucket, int maxAttempts, Duration initial, Duration max) {
        this.bucket = bucket;
        this.maxAttempts = maxAttempts;
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** Runs {@code call}; throws the translated error once attempts are used up or retrying cannot help. */
    public <T> T call(String what, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (SdkException e) {
                FlottaException translated = S3Errors.translate(e, bucket, what);
                if (!translated.isRetryable() || translated.code() == FlottaException.Code.CONFLICT
                        || attempt >= maxAttempts) {
                    throw translated;
                }
                long delay = delay(attempt);
                LOG.debug("{} (attempt {}/{}), retrying in {} ms", translated.getMessage(), attempt, maxAttempts, delay);
                sleep(delay, what);
            }
        }
    }

    private long delay(int attempt) {
        long ceiling = Math.min(maxMillis, initialMillis << Math.min(attempt - 1, 20));
        long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(half + 1);
    }

    private void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "bucket " + bucket + ": " + what
                    + ": interrupted while waiting to retry", e);
        }
    }
}
