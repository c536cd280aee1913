package io.flotta.spi;

/**
 * Root of every exception Flotta throws. The {@link Code} says whether retrying can help; library
 * exceptions are translated at module boundaries and kept as the cause.
 */
public class FlottaException extends RuntimeException {

    /** What went wrong, in terms a caller can act on. */
    public enum Code {
        /** The input is wrong; retrying the same call fails again. */
        INVALID_ARGUMENT(false),
        /** The caller is not who it must be (no, bad or expired certificate). */
        UNAUTHENTICATED(false),
        /** The caller is known but may not do this. */
        PERMISSION_DENIED(false),
        /** The thing does not exist (yet). */
        NOT_FOUND(false),
        /** A concurrent change won; read again and retry. */
        CONFLICT(true),
        /** A peer or resource is unreachable or overloaded; retry with backoff. */
        UNAVAILABLE(true),
        /** A bug or broken environment on our side. */
        INTERNAL(false),
        /** Configuration or wiring is wrong; fix the setup. */
        CONFIGURATION(false);

        private final boolean retryable;

        Code(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Code code;

    public FlottaException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public FlottaException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    public boolean isRetryable() {
        return code.retryable();
    }
}
