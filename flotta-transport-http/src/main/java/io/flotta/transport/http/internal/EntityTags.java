package io.flotta.transport.http.internal;

/**
 * Entity tags carry the configuration version (an extension upstream clients never send). The
 * version travels unquoted in the SPI and quoted on the wire, as HTTP requires.
 */
public final class EntityTags {

    private EntityTags() {
    }

    /** Whether {@code version} can travel as an entity tag: visible ASCII without quotes (RFC 9110 etagc). */
    public static boolean isValid(String version) {
        if (version == null || version.isEmpty()) {
            return false;
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c < 0x21 || c == '"' || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** {@code version} as an {@code ETag} header value. */
    public static String quote(String version) {
        return '"' + version + '"';
    }

    /**
     * The version named by an {@code ETag} or {@code If-None-Match} header: the first tag of a list,
     * without its weak prefix and quotes; {@code null} when the header is absent or blank.
     */
    public static String unquote(String header) {
        if (header == null) {
            return null;
        }
        String tag = header.trim();
        if (tag.startsWith("W/") || tag.startsWith("w/")) {
            tag = tag.substring(2).trim();
        }
        if (tag.startsWith("\"")) {
            int end = tag.indexOf('"', 1);
            tag = end < 0 ? tag.substring(1) : tag.substring(1, end);
        } else {
            int comma = tag.indexOf(',');
            if (comma >= 0) {
                tag = tag.substring(0, comma).trim();
            }
        }
        return tag.isEmpty() ? null : tag;
    }
}
