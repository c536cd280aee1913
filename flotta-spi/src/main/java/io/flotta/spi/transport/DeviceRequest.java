package io.flotta.spi.transport;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One call on the device API, independent of the transport.
 *
 * @param route       which operation
 * @param deviceId    the device id named by the call (the path's {@code {device_id}} in HTTP)
 * @param clientChain the TLS client certificate chain as presented, leaf first; empty when none was
 *                    presented or on the client side. Transports pass it through unverified: the
 *                    control plane decides who the caller is.
 * @param body        the request body (a JSON envelope for {@code *_OUT}), empty for {@code *_IN}
 * @param ifNoneMatch the configuration version the caller already has (extension), or {@code null}
 * @param maxWait     how long the caller is willing to wait for a change (long-poll extension);
 *                    {@link Duration#ZERO} for an immediate answer
 */
public record DeviceRequest(
        Route route,
        String deviceId,
        List<X509Certificate> clientChain,
        byte[] body,
        String ifNoneMatch,
        Duration maxWait) {

    public DeviceRequest {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(deviceId, "deviceId");
        clientChain = clientChain == null ? List.of() : List.copyOf(clientChain);
        body = body == null ? new byte[0] : body;
        maxWait = maxWait == null ? Duration.ZERO : maxWait;
    }

    /** A request from the client side: no certificate chain (the TLS layer presents it). */
    public static DeviceRequest of(Route route, String deviceId, byte[] body) {
        return new DeviceRequest(route, deviceId, List.of(), body, null, Duration.ZERO);
    }

    public DeviceRequest withClientChain(List<X509Certificate> chain) {
        return new DeviceRequest(route, deviceId, chain, body, ifNoneMatch, maxWait);
    }

    public DeviceRequest withConditions(String ifNoneMatch, Duration maxWait) {
        return new DeviceRequest(route, deviceId, clientChain, body, ifNoneMatch, maxWait);
    }
}
