package io.flotta.storage.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {

    private static S3Exception answer(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    @Test
    void classifiesWhatRetryingCanFix() {
        FlottaException down = S3Errors.translate(SdkClientException.create("x", new ConnectException("refused")),
                "b1", "PUT k");
        assertThat(down.code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(down.getMessage()).startsWith("bucket b1: PUT k: object store unreachable").contains("refused");
        assertThat(S3Errors.translate(answer(503, "SlowDown"), "b", "PUT k").code()).isEqualTo(Code.UNAVAILABLE);
        assertThat(S3Errors.translate(answer(500, "InternalError"), "b", "PUT k").isRetryable()).isTrue();
    }

    @Test
    void namesCredentialAndBucketProblems() {
        FlottaException creds = S3Errors.translate(answer(403, "SignatureDoesNotMatch"), "b2", "LIST p/");
        assertThat(creds.code()).isEqualTo(Code.UNAUTHENTICATED);
        assertThat(creds.getMessage()).contains("bucket b2").contains("refused the credentials");
        assertThat(S3Errors.translate(answer(403, "AccessDenied"), "b", "PUT k").code())
                .isEqualTo(Code.PERMISSION_DENIED);
        FlottaException missing = S3Errors.translate(answer(404, "NoSuchBucket"), "b3", "PUT k");
        assertThat(missing.code()).isEqualTo(Code.NOT_FOUND);
        assertThat(missing.getMessage()).contains("bucket does not exist");
        assertThat(S3Errors.translate(answer(404, ""), "b", "HEAD k").code()).isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void aFileThatChangesWhileSentIsNotTheStoresFault() {
        assertThat(S3Errors.translate(answer(400, "BadDigest"), "b", "PUT k").code()).isEqualTo(Code.CONFLICT);
        SdkClientException local = SdkClientException.create("upload failed", new UncheckedIOException(
                new FileSlice.LocalFileProblem("the file shrank while it was being sent", null)));
        FlottaException e = S3Errors.translate(local, "b", "PUT k");
        assertThat(e.code()).isEqualTo(Code.CONFLICT);
        assertThat(e.getMessage()).contains("shrank");
    }
}
