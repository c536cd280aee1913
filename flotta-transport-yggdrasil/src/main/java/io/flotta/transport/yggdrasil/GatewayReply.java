package io.flotta.transport.yggdrasil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.wire.Json;
import io.flotta.spi.FlottaException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the gateway answers to a worker's {@code Send}: the control plane's HTTP reply, carried as
 * the JSON {@code {"StatusCode": 200, "Body": <raw JSON or null>, "Metadata": {"Etag": "…"}}} in
 * the response bytes. Upstream device workers read exactly these keys.
 *
 * @param statusCode the HTTP status the control plane answered
 * @param body       the reply body (JSON), empty when there was none
 * @param metadata   transport metadata (HTTP headers upstream); never null
 */
public record GatewayReply(int statusCode, byte[] body, Map<String, String> metadata) {

    public GatewayReply {
        body = body == null ? new byte[0] : body;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The reply as the gateway puts it on the wire. */
    public byte[] toJson() {
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("StatusCode", statusCode);
        if (body.length == 0) {
            reply.putNull("Body");
        } else {
            JsonNode parsed;
            try {
                parsed = Json.readTree(body);
            } catch (FlottaException e) {
                // not JSON: kept as a string, so the reply itself stays valid JSON
                parsed = JsonNodeFactory.instance.textNode(new String(body, StandardCharsets.UTF_8));
            }
            reply.set("Body", parsed);
        }
        ObjectNode meta = reply.putObject("Metadata");
        metadata.forEach(meta::put);
        return Json.write(reply);
    }

    /**
     * Reads a reply from the gateway's response bytes. A {@code Body} that is a JSON string is taken
     * as base64 when it decodes (a gateway that wrote raw bytes), else as the string's JSON.
     *
     * @throws FlottaException {@code INVALID_ARGUMENT} when the bytes are not such a reply
     */
    public static GatewayReply parse(byte[] json) {
        JsonNode reply = Json.readTree(Objects.requireNonNull(json, "json"));
        JsonNode status = reply.path("StatusCode");
        if (!status.canConvertToInt()) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                    "gateway reply has no StatusCode: " + new String(json, StandardCharsets.UTF_8));
        }
        JsonNode bodyNode = reply.path("Body");
        byte[] body;
        if (bodyNode.isMissingNode() || bodyNode.isNull()) {
            body = new byte[0];
        } else if (bodyNode.isTextual()) {
            body = decodeText(bodyNode.asText());
        } else {
            body = Json.write(bodyNode);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        reply.path("Metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        return new GatewayReply(status.asInt(), body, metadata);
    }

    private static byte[] decodeText(String text) {
        try {
            byte[] decoded = Base64.getDecoder().decode(text);
            Json.readTree(decoded);
            return decoded;
        } catch (IllegalArgumentException | FlottaException e) {
            return Json.write(JsonNodeFactory.instance.textNode(text));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GatewayReply r && r.statusCode == statusCode && Arrays.equals(r.body, body)
                && r.metadata.equals(metadata);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * statusCode + Arrays.hashCode(body)) + metadata.hashCode();
    }

    @Override
    public String toString() {
        return "GatewayReply[" + statusCode + ", " + body.length + " bytes, " + metadata + "]";
    }
}
