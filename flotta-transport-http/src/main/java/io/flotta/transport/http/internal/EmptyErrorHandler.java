package io.flotta.transport.http.internal;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises itself (a malformed request, a handler failure, an ambiguous URI) keep their
 * status but get no body: device gateways would otherwise try to dispatch Jetty's HTML error page.
 */
final class EmptyErrorHandler implements Request.Handler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        callback.succeeded();
        return true;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
