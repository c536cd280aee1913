package io.flotta.transport.yggdrasil.internal;

import com.google.protobuf.ByteString;
import io.flotta.transport.yggdrasil.GatewayConfig;
import io.flotta.transport.yggdrasil.WorkerMessage;
import io.flotta.transport.yggdrasil.internal.proto.Config;
import io.flotta.transport.yggdrasil.internal.proto.Data;

/** Between the generated protocol classes and the module's JDK-typed values. */
public final class Protos {

    private Protos() {
    }

    public static Data data(WorkerMessage m) {
        return Data.newBuilder().setMessageId(m.messageId()).putAllMetadata(m.metadata())
                .setContent(ByteString.copyFrom(m.content())).setResponseTo(m.responseTo())
                .setDirective(m.directive()).build();
    }

    public static WorkerMessage message(Data d) {
        return new WorkerMessage(d.getMessageId(), d.getMetadataMap(), d.getContent().toByteArray(), d.getResponseTo(),
                d.getDirective());
    }

    public static Config config(GatewayConfig c) {
        return Config.newBuilder().setLogLevel(c.logLevel()).setClientId(c.clientId()).setSocketAddr(c.socketAddr())
                .setServer(c.server()).setCertFile(c.certFile()).setKeyFile(c.keyFile()).setCaRoot(c.caRoot()).build();
    }

    public static GatewayConfig config(Config c) {
        return new GatewayConfig(c.getLogLevel(), c.getClientId(), c.getSocketAddr(), c.getServer(), c.getCertFile(),
                c.getKeyFile(), c.getCaRoot());
    }
}
