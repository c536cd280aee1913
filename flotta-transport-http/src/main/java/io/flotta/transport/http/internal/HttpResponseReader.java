package io.flotta.transport.http.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.1 responses from one connection: status line, headers, and a body delimited by
 * {@code Content-Length}, chunked encoding, or the end of the connection.
 */
final class HttpResponseReader {

    /** One response. Header names are lower case; a repeated header keeps its last value. */
    record Response(int status, Map<String, String> headers, byte[] body, boolean keepAlive) {
        String header(String lowerCaseName) {
            return headers.get(lowerCaseName);
        }
    }

    private static final byte[] EMPTY = new byte[0];
    private static final int MAX_BODY = 64 * 1024 * 1024;

    private final InputStream in;
    private final int maxHeaderBytes;
    private boolean started;

    HttpResponseReader(InputStream in, int maxHeaderBytes) {
        this.in = new BufferedInputStream(in, 8192);
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /** Whether any byte of the response being read has arrived (a retry is unsafe after that). */
    boolean startedResponse() {
        return started;
    }

    Response read() throws IOException {
        started = false;
        int[] budget = {maxHeaderBytes};
        String statusLine;
        int status;
        while (true) {
            statusLine = line(budget);
            status = status(statusLine);
            if (status / 100 != 1) {
                break;
            }
            headers(budget); // an interim answer (100 Continue): the real one follows
        }
        Map<String, String> headers = headers(budget);
        boolean http10 = statusLine.startsWith("HTTP/1.0");
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
        byte[] body;
        String length = headers.get("content-length");
        String encoding = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
        if (status == 204 || status == 304) {
            body = EMPTY;
        } else if (encoding.contains("chunked")) {
            body = chunked(budget);
        } else if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length: " + length);
            }
            if (n < 0 || n > MAX_BODY) {
                throw new IOException("unacceptable Content-Length: " + length);
            }
            body = in.readNBytes((int) n);
            if (body.length != n) {
                throw new EOFException("connection closed after " + body.length + " of " + n + " body bytes");
            }
        } else {
            // no length: the body runs to the end of the connection, which cannot be kept
            body = in.readNBytes(MAX_BODY);
            keepAlive = false;
        }
        return new Response(status, headers, body, keepAlive);
    }

    private static int status(String line) throws IOException {
        // "HTTP/1.1 200 OK"
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x status line: " + abbreviate(line));
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + abbreviate(line));
        }
    }

    private Map<String, String> headers(int[] budget) throws IOException {
        Map<String, String> headers = new HashMap<>();
        while (true) {
            String line = line(budget);
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + abbreviate(line));
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    private byte[] chunked(int[] budget) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(new int[] {4096});
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + abbreviate(sizeLine));
            }
            if (size < 0 || body.size() + (long) size > MAX_BODY) {
                throw new IOException("chunked body too large");
            }
            if (size == 0) {
                headers(budget); // trailers, ignored
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("connection closed inside a chunk");
            }
            body.write(chunk);
            if (!line(new int[] {2}).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    /** One CRLF- (or LF-) terminated line in ISO-8859-1, counted against the header budget. */
    private String line(int[] budget) throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException(started ? "connection closed inside the response head"
                        : "connection closed before any answer");
            }
            started = true;
            if (--budget[0] < 0) {
                throw new IOException("response head larger than " + maxHeaderBytes + " bytes");
            }
            if (c == '\n') {
                int end = b.length();
                if (end > 0 && b.charAt(end - 1) == '\r') {
                    b.setLength(end - 1);
                }
                return b.toString();
            }
            b.append((char) c);
        }
    }

    private static String abbreviate(String s) {
        String printable = new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.US_ASCII);
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }
}
