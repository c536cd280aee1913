package io.flotta.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import io.flotta.spi.FlottaException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * RFC 3339 timestamps as the upstream peers write them.
 *
 * <p>The upstream control plane writes milliseconds ({@code 2026-11-26T10:08:35.891Z}, and
 * {@code 0001-01-01T00:00:00.000Z} for "never"); the upstream gateway writes nanoseconds with
 * trailing zeros trimmed ({@code .76371334Z}). Writing at least three and at most nine fraction
 * digits, trailing zeros dropped down to three, reproduces both, so nothing a peer sent is rounded.
 * Reading accepts any RFC 3339 offset and fraction length.
 */
public final class WireTime {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 3, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private WireTime() {
    }

    /** The wire form of {@code instant}, always in UTC. */
    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /**
     * Parses an RFC 3339 timestamp.
     *
     * @throws FlottaException {@code INVALID_ARGUMENT} when {@code text} is not one
     */
    public static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                    "not an RFC 3339 timestamp: " + Json.abbreviate(text), e);
        }
    }

    /** Jackson serializer writing {@link #format(Instant)}. */
    public static final class Serializer extends StdScalarSerializer<Instant> {

        public Serializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(format(value));
        }
    }

    /** Jackson deserializer reading any RFC 3339 timestamp. */
    public static final class Deserializer extends StdScalarDeserializer<Instant> {

        public Deserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            String text = p.getText();
            try {
                return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an RFC 3339 timestamp");
            }
        }
    }
}
