package io.flotta.storage.s3.internal;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Translates SDK exceptions into {@link FlottaException}s whose message names the bucket. */
public final class S3Errors {

    private static final Set<String> WRONG_CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed",
            "RequestTimeTooSkewed");
    private static final Set<String> RETRYABLE = Set.of("RequestTimeout", "SlowDown", "InternalError",
            "ServiceUnavailable", "RequestTimeTooSkewed");

    private S3Errors() {
    }

    /** The error code S3 answered with, or empty. */
    public static String errorCode(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode();
        }
        return "";
    }

    public static int status(SdkException e) {
        return e instanceof AwsServiceException service ? service.statusCode() : 0;
    }

    /** {@code what} says what was being done, e.g. {@code "PUT logs/a.txt"}. */
    public static FlottaException translate(SdkException e, String bucket, String what) {
        String prefix = "bucket " + bucket + ": " + what + ": ";
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FileSlice.LocalFileProblem) {
                return new FlottaException(Code.CONFLICT, prefix + t.getMessage(), e);
            }
        }
        if (e instanceof SdkClientException) {
            return new FlottaException(Code.UNAVAILABLE, prefix + "object store unreachable: " + rootMessage(e), e);
        }
        String code = errorCode(e);
        int status = status(e);
        if (WRONG_CREDENTIALS.contains(code)) {
            return new FlottaException(Code.UNAUTHENTICATED, prefix + "the object store refused the credentials ("
                    + code + ")", e);
        }
        if (status == 403) {
            return new FlottaException(Code.PERMISSION_DENIED, prefix + "access denied ("
                    + (code.isEmpty() ? "403" : code) + ")", e);
        }
        if ("NoSuchBucket".equals(code) || (status == 404 && what.startsWith("HEAD bucket"))) {
            return new FlottaException(Code.NOT_FOUND, prefix + "the bucket does not exist", e);
        }
        if ("NoSuchUpload".equals(code)) {
            return new FlottaException(Code.NOT_FOUND, prefix + "the multipart upload is gone (NoSuchUpload)", e);
        }
        if (status == 404) {
            return new FlottaException(Code.NOT_FOUND, prefix + "not found" + (code.isEmpty() ? "" : " (" + code + ")"), e);
        }
        if ("BadDigest".equals(code) || "InvalidDigest".equals(code)) {
            return new FlottaException(Code.CONFLICT, prefix + "content changed while it was sent (" + code + ")", e);
        }
        if (status >= 500 || status == 429 || status == 408 || RETRYABLE.contains(code)) {
            return new FlottaException(Code.UNAVAILABLE, prefix + "the object store failed (" + status + " "
                    + code + ")", e);
        }
        return new FlottaException(Code.INTERNAL, prefix + "the object store answered " + status + " "
                + (code.isEmpty() ? rootMessage(e) : code), e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
