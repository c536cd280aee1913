package io.flotta.core.testkit;

import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.TransportClient;
import io.flotta.spi.transport.TransportClientConfig;
import io.flotta.spi.transport.TransportClientProvider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A transport that hands requests straight to a {@link DeviceApi} with the client's certificate
 * chain, as a TLS server would: for testing agent logic without sockets. The API can be switched
 * off (null) to simulate an unreachable control plane.
 */
public final class InMemoryTransport implements TransportClientProvider {

    private final Supplier<DeviceApi> api;

    public InMemoryTransport(Supplier<DeviceApi> api) {
        this.api = api;
    }

    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public TransportClient create(TransportClientConfig config) {
        return new TransportClient() {
            private volatile ClientIdentity identity = config.identity();

            @Override
            public DeviceResponse send(DeviceRequest request) {
                DeviceApi target = api.get();
                if (target == null) {
                    throw new FlottaException(FlottaException.Code.UNAVAILABLE, "control plane unreachable");
                }
                try {
                    return target.handle(request.withClientChain(identity.chain())).toCompletableFuture()
                            .get(request.maxWait().toMillis() + 10_000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FlottaException(FlottaException.Code.UNAVAILABLE, "interrupted", e);
                } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                    throw new FlottaException(FlottaException.Code.UNAVAILABLE, "no answer", e);
                }
            }

            @Override
            public void useIdentity(ClientIdentity newIdentity) {
                identity = newIdentity;
            }

            @Override
            public void close() {
            }
        };
    }
}
