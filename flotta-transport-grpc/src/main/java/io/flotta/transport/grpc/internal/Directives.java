package io.flotta.transport.grpc.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flotta.core.model.ModelJson;
import java.io.IOException;

/** Reads an envelope's {@code directive} without building the document: it picks the RPC. */
public final class Directives {

    public static final String ENROLMENT = "enrolment";
    public static final String REGISTRATION = "registration";
    public static final String HEARTBEAT = "heartbeat";

    private Directives() {
    }

    /** The top-level {@code directive} string, or null when absent or the body is not a JSON object. */
    public static String of(byte[] json) {
        try (JsonParser p = ModelJson.mapper().getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("directive".equals(field)) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
