package io.flotta.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {

    private static HttpResponseReader reader(String wire) {
        return new HttpResponseReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), 1024);
    }

    @Test
    void contentLengthBodyAndHeadersThenTheNextResponseOnTheSameConnection() throws IOException {
        HttpResponseReader r = reader("HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n");
        HttpResponseReader.Response first = r.read();
        assertThat(first.status()).isEqualTo(200);
        assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(first.header("etag")).isEqualTo("\"v1\"");
        assertThat(first.keepAlive()).isTrue();
        HttpResponseReader.Response second = r.read();
        assertThat(second.status()).isEqualTo(304);
        assertThat(second.body()).isEmpty();
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailers() throws IOException {
        HttpResponseReader.Response response = reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n").read();
        assertThat(new String(response.body(), StandardCharsets.US_ASCII)).isEqualTo("abcde");
        assertThat(response.keepAlive()).isTrue();
    }

    @Test
    void interimAnswersAreSkippedAndConnectionCloseIsHonoured() throws IOException {
        HttpResponseReader.Response response = reader("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").read();
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.keepAlive()).isFalse();
    }

    @Test
    void bodyWithoutLengthRunsToTheEndAndIsNotKept() throws IOException {
        HttpResponseReader.Response response = reader("HTTP/1.1 200 OK\r\n\r\nall of it").read();
        assertThat(new String(response.body(), StandardCharsets.US_ASCII)).isEqualTo("all of it");
        assertThat(response.keepAlive()).isFalse();
    }

    @Test
    void endBeforeAnyByteIsDistinguishedFromATruncatedAnswer() {
        HttpResponseReader empty = reader("");
        assertThatThrownBy(empty::read).isInstanceOf(EOFException.class);
        assertThat(empty.startedResponse()).isFalse();
        HttpResponseReader truncated = reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        assertThatThrownBy(truncated::read).isInstanceOf(EOFException.class);
        assertThat(truncated.startedResponse()).isTrue();
    }

    @Test
    void oversizedHeadAndGarbageAreRefused() {
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nX: " + "a".repeat(2000) + "\r\n\r\n").read())
                .hasMessageContaining("larger than 1024");
        assertThatThrownBy(() -> reader("SSH-2.0-OpenSSH\r\n\r\n").read()).hasMessageContaining("status line");
    }
}
