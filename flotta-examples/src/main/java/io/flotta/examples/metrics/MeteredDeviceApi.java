package io.flotta.examples.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.model.ModelJson;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A {@link DeviceApi} decorator that times every call by route, directive and status, and counts
 * accepted registrations and heartbeats. It lives here rather than in the engine so that
 * {@code flotta-core} carries no metrics library: an integrator with another one writes the same
 * twenty lines around {@code ControlPlane.deviceApi()}.
 */
final class MeteredDeviceApi implements DeviceApi {

    /** Directives worth a tag; anything else is {@code other}, so a client cannot invent series. */
    private static final Set<String> DIRECTIVES = Set.of("enrolment", "registration", "heartbeat", "ansible");

    private final DeviceApi delegate;
    private final ControlPlaneMetrics metrics;
    private final MeterRegistry registry;

    MeteredDeviceApi(DeviceApi delegate, ControlPlaneMetrics metrics, MeterRegistry registry) {
        this.delegate = delegate;
        this.metrics = metrics;
        this.registry = registry;
    }

    @Override
    public CompletionStage<DeviceResponse> handle(DeviceRequest request) {
        long start = System.nanoTime();
        String directive = directive(request);
        return delegate.handle(request).whenComplete((response, failure) -> {
            int status = failure != null ? 500 : response.status();
            Timer.builder("flotta.device.api.requests")
                    .description("Device API calls (long polls included: their time is mostly waiting)")
                    .tag("route", request.route().name().toLowerCase(Locale.ROOT))
                    .tag("directive", directive)
                    .tag("status", Integer.toString(status))
                    .register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (status >= 200 && status < 300) {
                if (directive.equals("registration")) {
                    metrics.registrations.increment();
                } else if (directive.equals("heartbeat")) {
                    metrics.heartbeats.increment();
                }
            }
        });
    }

    private static String directive(DeviceRequest request) {
        if (request.route() != Route.DATA_OUT) {
            return "none";
        }
        try {
            JsonNode envelope = ModelJson.mapper().readTree(request.body());
            String d = envelope == null ? "" : envelope.path("directive").asText("");
            return DIRECTIVES.contains(d) ? d : "other";
        } catch (IOException e) {
            return "invalid";
        }
    }
}
