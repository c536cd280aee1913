package io.flotta.examples.metrics;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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

    /**
     * The envelope's directive, read with a streaming parser that stops at it: the full envelope
     * (hardware info included) is parsed once, by the engine, not twice.
     */
    static String directive(DeviceRequest request) {
        if (request.route() != Route.DATA_OUT) {
            return "none";
        }
        try (JsonParser parser = ModelJson.mapper().getFactory().createParser(request.body())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "invalid";
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("directive")) {
                    String d = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                    return DIRECTIVES.contains(d) ? d : "other";
                }
                parser.skipChildren();
            }
            return "other";
        } catch (IOException e) {
            return "invalid";
        }
    }
}
