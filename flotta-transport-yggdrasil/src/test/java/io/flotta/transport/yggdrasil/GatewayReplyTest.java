package io.flotta.transport.yggdrasil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.core.wire.Json;
import io.flotta.spi.FlottaException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayReplyTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesTheKeysUpstreamWorkersRead() {
        byte[] json = new GatewayReply(200, utf8("{\"message_id\":\"m\",\"content\":{\"certificate\":\"PEM\"}}"),
                Map.of("Etag", "7")).toJson();

        assertThat(Json.readTree(json)).isEqualTo(Json.readTree(
                "{\"StatusCode\":200,\"Body\":{\"message_id\":\"m\",\"content\":{\"certificate\":\"PEM\"}},\"Metadata\":{\"Etag\":\"7\"}}"));
        assertThat(Json.readTree(new GatewayReply(208, new byte[0], Map.of()).toJson()).get("Body").isNull()).isTrue();
    }

    @Test
    void readsItsOwnRepliesAndThoseOfGatewaysThatWriteBodiesAsBytes() {
        GatewayReply reply = new GatewayReply(401, utf8("{\"a\":1}"), Map.of("Content-Type", "application/json"));
        assertThat(GatewayReply.parse(reply.toJson())).isEqualTo(reply);

        String base64 = Base64.getEncoder().encodeToString(utf8("{\"a\":1}"));
        GatewayReply fromBytes = GatewayReply.parse(utf8("{\"StatusCode\":200,\"Body\":\"" + base64 + "\",\"Metadata\":null}"));
        assertThat(Json.readTree(fromBytes.body())).isEqualTo(Json.readTree("{\"a\":1}"));
        assertThat(fromBytes.metadata()).isEmpty();

        assertThat(GatewayReply.parse(utf8("{\"StatusCode\":208}")).body()).isEmpty();
        assertThat(GatewayReply.parse(utf8("{\"StatusCode\":200,\"Body\":\"plain text\"}")).body())
                .isEqualTo(utf8("\"plain text\""));
    }

    @Test
    void aReplyWithoutStatusIsRefused() {
        assertThatThrownBy(() -> GatewayReply.parse(utf8("{\"Body\":{}}"))).isInstanceOf(FlottaException.class)
                .hasMessageContaining("StatusCode");
    }
}
