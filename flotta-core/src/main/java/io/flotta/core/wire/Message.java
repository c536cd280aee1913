package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.flotta.spi.FlottaException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The envelope of every device API body (swagger {@code message}).
 *
 * <p>{@code metadata} and {@code content} are raw JSON: a Java {@code null} means the key was absent,
 * a {@link com.fasterxml.jackson.databind.node.NullNode} that it was sent as {@code null} (the
 * upstream gateway sends {@code "metadata": null} on every data message and {@code "content": null}
 * for {@code ansible}). Both are kept so what was received is what is written back.
 *
 * @param type       {@code connection-status}, {@code command}, {@code event} or {@code data}
 * @param messageId  the message's id (a UUID upstream)
 * @param responseTo the id this message answers; the upstream gateway sends {@code ""}
 * @param version    envelope version, {@code 1}
 * @param sent       when the message was sent
 * @param directive  for {@code data}: which operation ({@code enrolment}, {@code registration},
 *                   {@code heartbeat}, {@code ansible}; {@code device} on {@code data/in})
 * @param metadata   free-form metadata
 * @param content    the payload; its type depends on {@code type} and {@code directive}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(
        @JsonProperty("type") String type,
        @JsonProperty("message_id") String messageId,
        @JsonProperty("response_to") String responseTo,
        @JsonProperty("version") Integer version,
        @JsonProperty("sent")
        @JsonSerialize(using = WireTime.Serializer.class)
        @JsonDeserialize(using = WireTime.Deserializer.class)
        Instant sent,
        @JsonProperty("directive") String directive,
        @JsonProperty("metadata") JsonNode metadata,
        @JsonProperty("content") JsonNode content) {

    public static final String TYPE_CONNECTION_STATUS = "connection-status";
    public static final String TYPE_COMMAND = "command";
    public static final String TYPE_EVENT = "event";
    public static final String TYPE_DATA = "data";

    /** {@code data/in}: the content is a {@link DeviceConfigurationMessage}. */
    public static final String DIRECTIVE_DEVICE = "device";
    /** {@code data/out}: the content is an {@link EnrolmentInfo}. */
    public static final String DIRECTIVE_ENROLMENT = "enrolment";
    /** {@code data/out}: the content is a {@link RegistrationInfo}, the answer a {@link RegistrationResponse}. */
    public static final String DIRECTIVE_REGISTRATION = "registration";
    /** {@code data/out}: the content is a {@link Heartbeat}. */
    public static final String DIRECTIVE_HEARTBEAT = "heartbeat";
    /** {@code data/out}: no content; the answer is a list of {@link PlaybookExecution}. */
    public static final String DIRECTIVE_ANSIBLE = "ansible";

    public static final int VERSION = 1;

    /** True when {@code content} is absent or JSON {@code null}. */
    public boolean hasNoContent() {
        return content == null || content.isNull() || content.isMissingNode();
    }

    /**
     * The content bound to {@code type}.
     *
     * @throws FlottaException {@code INVALID_ARGUMENT} when there is no content or it does not fit
     */
    public <T> T contentAs(Class<T> type) {
        if (hasNoContent()) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                    "message " + (directive != null ? directive : type()) + " has no content");
        }
        return Json.convert(content, type);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .type(type).messageId(messageId).responseTo(responseTo).version(version)
                .sent(sent).directive(directive).metadata(metadata).content(content);
    }

    /**
     * Builds envelopes to send. Unless set, {@code message_id} is a random UUID, {@code version} is
     * {@value #VERSION} and {@code sent} is now, to the millisecond as upstream writes it.
     */
    public static final class Builder {
        private String type;
        private String messageId;
        private String responseTo;
        private Integer version = VERSION;
        private Instant sent;
        private String directive;
        private JsonNode metadata;
        private JsonNode content;

        private Builder() {
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        public Builder messageId(String messageId) {
            this.messageId = messageId;
            return this;
        }

        public Builder responseTo(String responseTo) {
            this.responseTo = responseTo;
            return this;
        }

        public Builder version(Integer version) {
            this.version = version;
            return this;
        }

        public Builder sent(Instant sent) {
            this.sent = sent;
            return this;
        }

        public Builder directive(String directive) {
            this.directive = directive;
            return this;
        }

        public Builder metadata(JsonNode metadata) {
            this.metadata = metadata;
            return this;
        }

        /** Any wire value (serialised now) or a {@link JsonNode}; {@code null} leaves it absent. */
        public Builder content(Object content) {
            this.content = content == null ? null : Json.toTree(content);
            return this;
        }

        public Message build() {
            if (type == null || type.isBlank()) {
                throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "message type is required");
            }
            return new Message(type,
                    messageId != null ? messageId : UUID.randomUUID().toString(),
                    responseTo, version,
                    sent != null ? sent : Instant.now().truncatedTo(ChronoUnit.MILLIS),
                    directive, metadata, content);
        }
    }
}
