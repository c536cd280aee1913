package io.flotta.transport.grpc.internal;

import io.flotta.core.pki.Tls;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * Puts the client certificate chain of the call's TLS session into the call's {@link Context},
 * unverified, as the HTTP server does: the engine's access rules judge it.
 */
final class PeerChain implements ServerInterceptor {

    static final Context.Key<List<X509Certificate>> KEY = Context.keyWithDefault("flotta-client-chain", List.of());

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                       ServerCallHandler<Q, A> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        return Contexts.interceptCall(Context.current().withValue(KEY, Tls.peerChain(session)), call, headers, next);
    }

    static List<X509Certificate> current() {
        return KEY.get();
    }
}
