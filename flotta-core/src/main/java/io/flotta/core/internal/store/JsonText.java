package io.flotta.core.internal.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** The JSON the store touches: it checks spec and status documents and encodes labels. */
final class JsonText {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final TypeReference<TreeMap<String, String>> LABELS = new TypeReference<>() { };

    private JsonText() {
    }

    /**
     * Fails with {@code INVALID_ARGUMENT} unless {@code text} is exactly one JSON object. The text
     * itself is stored verbatim; this only keeps a broken document out of the database, as a
     * Kubernetes API server would.
     */
    static void requireObject(String field, String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notAnObject(field, "it does not start with '{'", null);
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw notAnObject(field, "text follows the object", null);
            }
        } catch (JsonProcessingException e) {
            throw notAnObject(field, e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw notAnObject(field, e.getMessage(), e);
        }
    }

    private static FlottaException notAnObject(String field, String why, Throwable cause) {
        return new FlottaException(Code.INVALID_ARGUMENT, field + ": must be a JSON object (" + why + ")", cause);
    }

    /** Sorted by key, so equal labels always give equal text. */
    static String encodeLabels(Map<String, String> labels) {
        try {
            return MAPPER.writeValueAsString(new TreeMap<>(labels));
        } catch (JsonProcessingException e) {
            throw new FlottaException(Code.INTERNAL, "labels: cannot encode as JSON", e);
        }
    }

    static Map<String, String> decodeLabels(String json) {
        try {
            return MAPPER.readValue(json, LABELS);
        } catch (JsonProcessingException e) {
            throw new FlottaException(Code.INTERNAL, "labels in the database are not a JSON object of strings", e);
        }
    }
}
