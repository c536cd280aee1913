package io.flotta.core.wire;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.flotta.spi.FlottaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON configuration of the device API, and read/write helpers that fail with
 * {@link FlottaException} ({@code INVALID_ARGUMENT}) naming the type and the JSON path that failed.
 *
 * <p>Reading ignores unknown fields (newer peers may add some), rejects trailing garbage and
 * duplicate keys, and refuses a fraction where the schema says integer. Writing leaves out what the
 * wire types mark as absent; timestamps are RFC 3339 strings (see {@link WireTime}).
 *
 * <p>The mapper itself is not handed out, so no caller can reconfigure it for everyone; the
 * immutable {@link #reader()} and {@link #writer()} share its configuration.
 */
public final class Json {

    private static final int MAX_QUOTED = 80;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // error messages must not echo request bodies (they carry keys and credentials)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {
    }

    /** An immutable reader with the device API configuration. */
    public static ObjectReader reader() {
        return MAPPER.reader();
    }

    /** An immutable writer with the device API configuration. */
    public static ObjectWriter writer() {
        return MAPPER.writer();
    }

    public static <T> T read(byte[] json, Class<T> type) {
        return read(json, MAPPER.constructType(type));
    }

    public static <T> T read(String json, Class<T> type) {
        return read(json.getBytes(StandardCharsets.UTF_8), MAPPER.constructType(type));
    }

    public static <T> T read(byte[] json, TypeReference<T> type) {
        return read(json, MAPPER.constructType(type));
    }

    public static <T> T read(InputStream json, Class<T> type) {
        JavaType javaType = MAPPER.constructType(type);
        try {
            return notNull(MAPPER.readValue(json, javaType), javaType);
        } catch (IOException e) {
            throw readFailure(javaType, e);
        }
    }

    /** Parses any JSON document; an empty input is an error, {@code null} gives a null node. */
    public static JsonNode readTree(byte[] json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "invalid JSON: empty document");
            }
            return node;
        } catch (IOException e) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "invalid JSON: " + describe(e), e);
        }
    }

    public static JsonNode readTree(String json) {
        return readTree(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Binds an already parsed tree (e.g. a message's content) to {@code type}. */
    public static <T> T convert(JsonNode node, Class<T> type) {
        return convert(node, MAPPER.constructType(type));
    }

    public static <T> T convert(JsonNode node, TypeReference<T> type) {
        return convert(node, MAPPER.constructType(type));
    }

    private static <T> T convert(JsonNode node, JavaType javaType) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                    "invalid " + name(javaType) + ": no content");
        }
        try {
            return notNull(MAPPER.readerFor(javaType).readValue(MAPPER.treeAsTokens(node)), javaType);
        } catch (IOException e) {
            throw readFailure(javaType, e);
        }
    }

    /** The tree {@code value} serialises to; a {@link JsonNode} is returned as is. */
    public static JsonNode toTree(Object value) {
        if (value instanceof JsonNode node) {
            return node;
        }
        try {
            return MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw writeFailure(value, e.getCause() != null ? e.getCause() : e);
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw writeFailure(value, e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw writeFailure(value, e);
        }
    }

    private static <T> T read(byte[] json, JavaType type) {
        try {
            return notNull(MAPPER.readValue(json, type), type);
        } catch (IOException e) {
            throw readFailure(type, e);
        }
    }

    private static <T> T notNull(T value, JavaType type) {
        if (value == null) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                    "invalid " + name(type) + ": expected a JSON value, got null");
        }
        return value;
    }

    private static FlottaException readFailure(JavaType type, Throwable e) {
        return new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                "invalid " + name(type) + ": " + describe(e), e);
    }

    private static FlottaException writeFailure(Object value, Throwable e) {
        String type = value == null ? "null" : value.getClass().getSimpleName();
        return new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                "cannot write " + type + " as JSON: " + describe(e), e);
    }

    private static String name(JavaType type) {
        return type.isContainerType() ? type.toCanonical().replaceAll("[a-z0-9_]+\\.", "")
                : type.getRawClass().getSimpleName();
    }

    /** "at $.workloads[0].last_data_upload (line 1, column 42): what Jackson said". */
    private static String describe(Throwable e) {
        if (!(e instanceof JacksonException je)) {
            return String.valueOf(e.getMessage());
        }
        StringBuilder sb = new StringBuilder();
        if (je instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            sb.append("at $");
            for (JsonMappingException.Reference ref : jme.getPath()) {
                if (ref.getFieldName() != null) {
                    sb.append('.').append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    sb.append('[').append(ref.getIndex()).append(']');
                }
            }
            sb.append(' ');
        }
        JsonLocation location = je.getLocation();
        if (location != null && location.getLineNr() > 0) {
            sb.append("(line ").append(location.getLineNr())
                    .append(", column ").append(location.getColumnNr()).append(") ");
        }
        if (!sb.isEmpty()) {
            sb.setLength(sb.length() - 1);
            sb.append(": ");
        }
        sb.append(je.getOriginalMessage());
        return sb.toString();
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        return '"' + (text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "…") + '"';
    }
}
