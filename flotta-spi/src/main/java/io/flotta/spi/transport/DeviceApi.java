package io.flotta.spi.transport;

import java.util.concurrent.CompletionStage;

/**
 * The control plane's device API as a transport server sees it. Implemented by the control-plane
 * engine in {@code flotta-core}; transports only translate between their wire and this call.
 *
 * <p>Contract: thread-safe; never throws — every failure is a {@link DeviceResponse} status (4xx for
 * the caller's fault, 5xx for ours). Authentication and authorization happen here, from
 * {@link DeviceRequest#clientChain()}, so every transport applies the same rules. The returned
 * stage may complete later (long poll); transports must not block a thread waiting for it.
 */
@FunctionalInterface
public interface DeviceApi {

    CompletionStage<DeviceResponse> handle(DeviceRequest request);
}
