package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.spi.FlottaException;

/**
 * The answer to a {@code data/out} post that has one (swagger {@code message-response}), e.g.
 * {@code {"content":{"certificate":"…"},"directive":"registration","message_id":"…"}} where
 * {@code message_id} repeats the request's id.
 *
 * @param messageId the id of the message answered
 * @param directive the directive answered
 * @param content   the answer's payload, raw
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageResponse(
        @JsonProperty("message_id") String messageId,
        @JsonProperty("directive") String directive,
        @JsonProperty("content") JsonNode content) {

    /** An answer to {@code request} carrying {@code content} (any wire value or a tree). */
    public static MessageResponse answering(Message request, Object content) {
        return new MessageResponse(request.messageId(), request.directive(),
                content == null ? null : Json.toTree(content));
    }

    /**
     * The content bound to {@code type}.
     *
     * @throws FlottaException {@code INVALID_ARGUMENT} when there is no content or it does not fit
     */
    public <T> T contentAs(Class<T> type) {
        return Json.convert(content, type);
    }
}
