package io.flotta.transport.grpc;

import com.google.protobuf.ByteString;
import io.flotta.core.testkit.transport.TransportContractTest;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.spi.transport.TransportServerProvider;
import io.flotta.transport.grpc.internal.Statuses;
import io.flotta.transport.grpc.v1.ConfigurationRequest;
import io.flotta.transport.grpc.v1.ControlRequest;
import io.flotta.transport.grpc.v1.DeviceGrpc;
import io.flotta.transport.grpc.v1.Envelope;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** The gRPC transport passes the transport compatibility kit. */
class GrpcTransportContractTest extends TransportContractTest {

    @Override
    protected TransportServerProvider serverProvider() {
        return new GrpcTransportServerProvider();
    }

    @Override
    protected TransportClientProvider clientProvider() {
        return new GrpcTransportClientProvider();
    }

    @Override
    protected int sendWithoutCertificate(URI server, List<X509Certificate> trustAnchors, DeviceRequest request) {
        ManagedChannel channel;
        try {
            channel = NettyChannelBuilder.forAddress(server.getHost(), server.getPort())
                    .sslContext(GrpcSslContexts.forClient().trustManager(trustAnchors.toArray(X509Certificate[]::new)).build())
                    .build();
        } catch (SSLException e) {
            throw new AssertionError(e);
        }
        try {
            DeviceGrpc.DeviceBlockingStub stub = DeviceGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
            Envelope envelope = Envelope.newBuilder().setDeviceId(request.deviceId())
                    .setJson(ByteString.copyFrom(request.body())).build();
            var answer = switch (request.route()) {
                case DATA_IN -> stub.getConfiguration(ConfigurationRequest.newBuilder().setDeviceId(request.deviceId()).build());
                case CONTROL_IN -> stub.getControl(ControlRequest.newBuilder().setDeviceId(request.deviceId()).build());
                case CONTROL_OUT -> stub.sendControl(envelope);
                case DATA_OUT -> stub.send(envelope);
            };
            return answer.getStatus();
        } catch (StatusRuntimeException e) {
            return Statuses.httpStatus(e.getStatus(), e.getTrailers());
        } finally {
            channel.shutdownNow();
        }
    }
}
