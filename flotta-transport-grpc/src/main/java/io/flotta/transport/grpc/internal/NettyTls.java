package io.flotta.transport.grpc.internal;

import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2SecurityUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNames;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import javax.net.ssl.SSLContext;

/**
 * Wraps the JDK {@link SSLContext}s that core's {@code Tls} builds for Netty, with ALPN {@code h2}
 * (gRPC requires it) and HTTP/2-approved cipher suites. The trust decisions stay those of the
 * wrapped context: the server accepts any client chain and lets the engine judge it.
 */
public final class NettyTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private NettyTls() {
    }

    /** A server context that requests (never requires) a client certificate. */
    public static SslContext server(SSLContext context) {
        return wrap(context, false, ClientAuth.OPTIONAL);
    }

    public static SslContext client(SSLContext context) {
        return wrap(context, true, ClientAuth.NONE);
    }

    private static SslContext wrap(SSLContext context, boolean client, ClientAuth auth) {
        ApplicationProtocolConfig alpn = new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2);
        return new JdkSslContext(context, client, Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE,
                alpn, auth, PROTOCOLS, false);
    }
}
