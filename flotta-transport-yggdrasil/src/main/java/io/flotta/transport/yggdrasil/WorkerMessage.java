package io.flotta.transport.yggdrasil;

import java.util.Arrays;
import java.util.Map;

/**
 * One {@code Data} message of the worker protocol, in either direction.
 *
 * @param messageId  the message's id (a UUID)
 * @param metadata   free-form key-value pairs; never null
 * @param content    the payload: for the device API, the envelope's {@code content} as JSON bytes
 * @param responseTo the id this message answers, or empty
 * @param directive  where it goes: the handler name towards a worker ({@code device}), the device
 *                   API operation towards the gateway ({@code enrolment}, {@code heartbeat}…)
 */
public record WorkerMessage(String messageId, Map<String, String> metadata, byte[] content, String responseTo,
                            String directive) {

    public WorkerMessage {
        messageId = messageId == null ? "" : messageId;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        content = content == null ? new byte[0] : content;
        responseTo = responseTo == null ? "" : responseTo;
        directive = directive == null ? "" : directive;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkerMessage m && m.messageId.equals(messageId) && m.metadata.equals(metadata)
                && Arrays.equals(m.content, content) && m.responseTo.equals(responseTo) && m.directive.equals(directive);
    }

    @Override
    public int hashCode() {
        return messageId.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "WorkerMessage[" + directive + " " + messageId + ", " + content.length + " bytes]";
    }
}
