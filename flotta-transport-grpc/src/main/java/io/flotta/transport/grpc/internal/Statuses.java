package io.flotta.transport.grpc.internal;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * The mapping between the device API's HTTP statuses and gRPC statuses (see {@code device.proto}).
 * Success statuses travel in an {@code Answer}; refusals and failures as a gRPC error with the exact
 * HTTP status in the {@link #HTTP_STATUS} trailer, so no status is lost and generic gRPC tooling
 * still sees failures as failures.
 */
public final class Statuses {

    /** The trailer carrying the engine's HTTP status on error answers. */
    public static final Metadata.Key<String> HTTP_STATUS =
            Metadata.Key.of("flotta-status", Metadata.ASCII_STRING_MARSHALLER);

    private Statuses() {
    }

    /** Whether an answer with this status is sent as an {@code Answer} (else as an error). */
    public static boolean isAnswer(int httpStatus) {
        return httpStatus >= 200 && httpStatus < 400;
    }

    /** The gRPC code for an error answer. */
    public static Status.Code code(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> Status.Code.INVALID_ARGUMENT;
            case 401 -> Status.Code.UNAUTHENTICATED;
            case 403 -> Status.Code.PERMISSION_DENIED;
            case 404, 410 -> Status.Code.NOT_FOUND;
            case 409 -> Status.Code.ABORTED;
            case 412 -> Status.Code.FAILED_PRECONDITION;
            case 413, 429 -> Status.Code.RESOURCE_EXHAUSTED;
            case 501 -> Status.Code.UNIMPLEMENTED;
            case 503 -> Status.Code.UNAVAILABLE;
            case 504 -> Status.Code.DEADLINE_EXCEEDED;
            default -> httpStatus < 500 ? Status.Code.FAILED_PRECONDITION : Status.Code.INTERNAL;
        };
    }

    /** The trailers of an error answer. */
    public static Metadata trailers(int httpStatus) {
        Metadata trailers = new Metadata();
        trailers.put(HTTP_STATUS, Integer.toString(httpStatus));
        return trailers;
    }

    /**
     * The HTTP status a client reports for a call that ended with {@code status}, or 0 when no
     * answer came (the connection failed, the deadline passed, the call was cancelled).
     */
    public static int httpStatus(Status status, Metadata trailers) {
        String exact = trailers == null ? null : trailers.get(HTTP_STATUS);
        if (exact != null) {
            try {
                int parsed = Integer.parseInt(exact.trim());
                if (parsed >= 100 && parsed <= 599) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // fall through to the code's own meaning
            }
        }
        // no trailer: the gRPC layer answered (or nobody did)
        return switch (status.getCode()) {
            case OK -> 200;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND, UNIMPLEMENTED -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case FAILED_PRECONDITION -> 412;
            // the server's inbound message limit: the body is too large
            case RESOURCE_EXHAUSTED -> 413;
            case INTERNAL, UNKNOWN, DATA_LOSS -> 500;
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> 0;
        };
    }
}
