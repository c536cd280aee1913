package io.flotta.transport.http.internal;

import io.flotta.spi.transport.Route;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The HTTP shape of the device API, shared by server and client so both spell the paths the same
 * way: {@code /api/flotta-management/v1/(data|control)/{device_id}/(in|out)}.
 */
public final class DevicePaths {

    public static final String BASE = "/api/flotta-management/v1";
    public static final String WAIT_PARAMETER = "wait";

    private DevicePaths() {
    }

    /** A path that names a device API operation: the route and the device id from the URL. */
    public record Match(Route route, String deviceId) {
    }

    /** The HTTP method a route is served on. */
    public static String method(Route route) {
        return switch (route) {
            case DATA_IN, CONTROL_IN -> "GET";
            case DATA_OUT, CONTROL_OUT -> "POST";
        };
    }

    /** The path of {@code route} for {@code deviceId}, the device id percent-encoded as a path segment. */
    public static String path(Route route, String deviceId) {
        String channel = switch (route) {
            case DATA_IN, DATA_OUT -> "data";
            case CONTROL_IN, CONTROL_OUT -> "control";
        };
        String direction = switch (route) {
            case DATA_IN, CONTROL_IN -> "in";
            case DATA_OUT, CONTROL_OUT -> "out";
        };
        return BASE + '/' + channel + '/' + encodeSegment(deviceId) + '/' + direction;
    }

    /**
     * Parses a request path whose segments are still percent-encoded. Empty when the path is not
     * one of the four operations, or when the device id is not a valid single segment; the method
     * is not checked here so that the server can tell 404 from 405.
     */
    public static Optional<Match> match(String encodedPath) {
        if (encodedPath == null || !encodedPath.startsWith(BASE + '/')) {
            return Optional.empty();
        }
        String[] parts = encodedPath.substring(BASE.length() + 1).split("/", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        String deviceId = decodeSegment(parts[1]);
        if (deviceId == null || deviceId.isEmpty() || deviceId.indexOf('/') >= 0) {
            return Optional.empty();
        }
        boolean in = parts[2].equals("in");
        if (!in && !parts[2].equals("out")) {
            return Optional.empty();
        }
        Route route;
        switch (parts[0]) {
            case "data" -> route = in ? Route.DATA_IN : Route.DATA_OUT;
            case "control" -> route = in ? Route.CONTROL_IN : Route.CONTROL_OUT;
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(new Match(route, deviceId));
    }

    /**
     * Decodes {@code %XX} escapes as UTF-8; characters already decoded (Jetty's canonical path
     * keeps only reserved characters escaped) pass through. {@code null} for a malformed escape or
     * byte sequence.
     */
    static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); ) {
            char c = segment.charAt(i);
            if (c == '%') {
                int high = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
                if (low < 0) {
                    return null;
                }
                bytes.write((high << 4) | low);
                i += 3;
            } else {
                int codePoint = segment.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters, so any id stays one segment. */
    static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
