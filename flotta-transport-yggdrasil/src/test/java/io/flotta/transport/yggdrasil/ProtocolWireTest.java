package io.flotta.transport.yggdrasil;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.transport.yggdrasil.internal.Protos;
import io.flotta.transport.yggdrasil.internal.proto.Config;
import io.flotta.transport.yggdrasil.internal.proto.DispatcherGrpc;
import io.flotta.transport.yggdrasil.internal.proto.Event;
import io.flotta.transport.yggdrasil.internal.proto.EventNotification;
import io.flotta.transport.yggdrasil.internal.proto.RegistrationRequest;
import io.flotta.transport.yggdrasil.internal.proto.RegistrationResponse;
import io.flotta.transport.yggdrasil.internal.proto.Response;
import io.flotta.transport.yggdrasil.internal.proto.WorkerGrpc;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes on the wire, field by field, against the numbers of yggdrasil's protocol of record. */
class ProtocolWireTest {

    /** A length-delimited field: tag (number << 3 | 2), length, bytes. */
    private static void field(ByteArrayOutputStream out, int number, byte[] value) {
        out.write(number << 3 | 2);
        out.write(value.length);
        out.writeBytes(value);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void methodNamesAreThoseOfTheProtocol() {
        assertThat(DispatcherGrpc.getRegisterMethod().getFullMethodName()).isEqualTo("yggdrasil.Dispatcher/Register");
        assertThat(DispatcherGrpc.getSendMethod().getFullMethodName()).isEqualTo("yggdrasil.Dispatcher/Send");
        assertThat(DispatcherGrpc.getGetConfigMethod().getFullMethodName()).isEqualTo("yggdrasil.Dispatcher/GetConfig");
        assertThat(WorkerGrpc.getSendMethod().getFullMethodName()).isEqualTo("yggdrasil.Worker/Send");
        assertThat(WorkerGrpc.getNotifyEventMethod().getFullMethodName()).isEqualTo("yggdrasil.Worker/NotifyEvent");
    }

    @Test
    void dataFieldNumbers() {
        byte[] encoded = Protos.data(new WorkerMessage("id", Map.of("k", "v"), utf8("{}"), "re", "heartbeat")).toByteArray();

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        field(expected, 1, utf8("id"));
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        field(entry, 1, utf8("k"));
        field(entry, 2, utf8("v"));
        field(expected, 2, entry.toByteArray());
        field(expected, 3, utf8("{}"));
        field(expected, 4, utf8("re"));
        field(expected, 5, utf8("heartbeat"));
        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(HexFormat.of().formatHex(expected.toByteArray()));
    }

    @Test
    void registrationConfigResponseAndEventFieldNumbers() throws Exception {
        ByteArrayOutputStream register = new ByteArrayOutputStream();
        field(register, 1, utf8("device"));
        register.write(2 << 3);
        register.write(42);
        register.write(3 << 3);
        register.write(1);
        assertThat(RegistrationRequest.newBuilder().setHandler("device").setPid(42).setDetachedContent(true).build()
                .toByteArray()).isEqualTo(register.toByteArray());

        ByteArrayOutputStream registered = new ByteArrayOutputStream();
        registered.write(1 << 3);
        registered.write(1);
        field(registered, 2, utf8("@ygg-device-x"));
        assertThat(RegistrationResponse.newBuilder().setRegistered(true).setAddress("@ygg-device-x").build().toByteArray())
                .isEqualTo(registered.toByteArray());

        ByteArrayOutputStream config = new ByteArrayOutputStream();
        String[] values = {"info", "client", "@sock", "server:1", "/c.pem", "/k.pem", "/ca.pem"};
        for (int i = 0; i < values.length; i++) {
            field(config, i + 1, utf8(values[i]));
        }
        assertThat(Protos.config(new GatewayConfig(values[0], values[1], values[2], values[3], values[4], values[5],
                values[6])).toByteArray()).isEqualTo(config.toByteArray());
        assertThat(Protos.config(Config.parseFrom(config.toByteArray())).certFile()).isEqualTo("/c.pem");

        ByteArrayOutputStream response = new ByteArrayOutputStream();
        field(response, 1, utf8("{\"StatusCode\":200}"));
        assertThat(Response.newBuilder().setResponse(com.google.protobuf.ByteString.copyFrom(utf8("{\"StatusCode\":200}")))
                .build().toByteArray()).isEqualTo(response.toByteArray());

        assertThat(EventNotification.newBuilder().setName(Event.RECEIVED_DISCONNECT).setDetail("d").build().toByteArray())
                .isEqualTo(new byte[] {1 << 3, 1, 2 << 3 | 2, 1, 'd'});
        assertThat(Event.UNEXPECTED_DISCONNECT.getNumber()).isEqualTo(2);
        assertThat(Event.CONNECTION_RESTORED.getNumber()).isEqualTo(3);
    }
}
