package io.flotta.transport.yggdrasil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.wire.Json;
import io.flotta.core.wire.Message;
import io.flotta.core.wire.WireTime;
import io.flotta.spi.FlottaException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a gateway turns worker messages into device API envelopes and back, as upstream's does:
 * a worker's {@code Send} becomes a {@code data} envelope on data/out (its {@code content} the
 * worker's bytes as raw JSON, {@code metadata} {@code null} when the worker sent none,
 * {@code response_to} as given, usually {@code ""}); a data/in envelope becomes a message to the
 * worker named by its directive, carrying the envelope's content only.
 */
public final class GatewayMessages {

    private GatewayMessages() {
    }

    /** The data/out body for a worker's message. */
    public static byte[] dataOut(WorkerMessage message, Instant sent) {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.put("type", Message.TYPE_DATA);
        envelope.put("message_id", message.messageId());
        envelope.put("response_to", message.responseTo());
        envelope.put("version", Message.VERSION);
        envelope.put("sent", WireTime.format(sent));
        envelope.put("directive", message.directive());
        if (message.metadata().isEmpty()) {
            envelope.set("metadata", NullNode.instance);
        } else {
            ObjectNode metadata = envelope.putObject("metadata");
            message.metadata().forEach(metadata::put);
        }
        envelope.set("content", message.content().length == 0 ? NullNode.instance : Json.readTree(message.content()));
        return Json.write(envelope);
    }

    /**
     * The message for a worker from a data/in or control/in body.
     *
     * @throws FlottaException {@code INVALID_ARGUMENT} when the body is not an envelope
     */
    public static WorkerMessage toWorker(byte[] envelope) {
        JsonNode message = Json.readTree(envelope);
        if (!message.isObject()) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "not a message envelope");
        }
        JsonNode content = message.path("content");
        Map<String, String> metadata = new LinkedHashMap<>();
        message.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        return new WorkerMessage(message.path("message_id").asText(""), metadata,
                content.isMissingNode() || content.isNull() ? new byte[0] : Json.write(content),
                message.path("response_to").asText(""), message.path("directive").asText(""));
    }

    /** The command of a control/in body ({@code disconnect}…), or empty when the body holds none. */
    public static String command(byte[] body) {
        if (body.length == 0) {
            return "";
        }
        JsonNode message = Json.readTree(body);
        return message.path("content").path("command").asText("");
    }
}
