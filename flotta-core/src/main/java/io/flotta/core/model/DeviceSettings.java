package io.flotta.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.spi.FlottaException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Device configuration kept by the control plane: the {@code spec} of a device and of a device set.
 * A device that names a set in its {@value #MEMBER_OF_LABEL} label takes the set's settings over its
 * own, field by field ({@link #overriddenBy}).
 *
 * @param configuration  overrides of the configuration sent to the device, in the device API's own
 *                       format: {@code heartbeat} ({@code period_seconds}, {@code hardware_profile}),
 *                       {@code metrics}, {@code log-collection}, {@code os}, {@code mounts},
 *                       {@code profiles}; other keys are rejected ({@code storage} comes from
 *                       provisioning, never from here)
 * @param requestStorage whether the device gets a bucket (in Kubernetes mode: an object bucket claim)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceSettings(
        @JsonProperty("configuration") ObjectNode configuration,
        @JsonProperty("requestStorage") Boolean requestStorage) {

    /** Label of a device naming the device set (in its namespace) whose settings it takes. */
    public static final String MEMBER_OF_LABEL = "flotta/member-of";

    /** Keys of {@code configuration} a device or set may override. */
    public static final Set<String> CONFIGURABLE = Set.of("heartbeat", "metrics", "log-collection", "os", "mounts",
            "profiles");

    public DeviceSettings {
        configuration = configuration == null ? JsonNodeFactory.instance.objectNode() : configuration.deepCopy();
    }

    public static DeviceSettings none() {
        return new DeviceSettings(null, null);
    }

    /** Reads and validates a spec document; a blank or empty one means no settings. */
    public static DeviceSettings read(String spec) {
        if (spec == null || spec.isBlank()) {
            return none();
        }
        return ModelJson.read(spec, DeviceSettings.class).validated();
    }

    /** This, checked: only {@link #CONFIGURABLE} keys, and a heartbeat period of at least 1 s. */
    public DeviceSettings validated() {
        for (Iterator<String> it = configuration.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!CONFIGURABLE.contains(key)) {
                throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "configuration." + key
                        + ": cannot be set here (settable: " + String.join(", ", CONFIGURABLE.stream().sorted().toList()) + ")");
            }
        }
        JsonNode heartbeat = configuration.path("heartbeat");
        if (!heartbeat.isMissingNode() && !heartbeat.isObject()) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "configuration.heartbeat: must be an object");
        }
        JsonNode period = heartbeat.path("period_seconds");
        if (!period.isMissingNode() && (!period.canConvertToLong() || period.asLong() < 1)) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                    "configuration.heartbeat.period_seconds: must be a whole number of seconds, at least 1, was " + period);
        }
        JsonNode profile = heartbeat.path("hardware_profile");
        if (!profile.isMissingNode() && !profile.isObject()) {
            // the upstream agent dereferences it: never let it become null or a scalar
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                    "configuration.heartbeat.hardware_profile: must be an object");
        }
        return this;
    }

    /**
     * These settings with {@code set}'s taking precedence: each configuration key the set has
     * replaces this one's (the heartbeat merged field by field), and its storage request wins when
     * it has one.
     */
    public DeviceSettings overriddenBy(DeviceSettings set) {
        ObjectNode merged = configuration.deepCopy();
        for (Map.Entry<String, JsonNode> e : set.configuration.properties()) {
            if (e.getKey().equals("heartbeat") && merged.path("heartbeat").isObject()) {
                ((ObjectNode) merged.get("heartbeat")).setAll((ObjectNode) e.getValue().deepCopy());
            } else {
                merged.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return new DeviceSettings(merged, set.requestStorage != null ? set.requestStorage : requestStorage);
    }

    /** Whether a bucket was asked for. */
    public boolean storageRequested() {
        return Boolean.TRUE.equals(requestStorage);
    }

    /** The heartbeat period these settings ask for, or {@code fallback} seconds when they do not. */
    public long heartbeatPeriodSeconds(long fallback) {
        JsonNode period = configuration.path("heartbeat").path("period_seconds");
        return period.canConvertToLong() && period.asLong() >= 1 ? period.asLong() : fallback;
    }

    /**
     * Applies the overrides to a device's assembled {@code configuration} object: the heartbeat is
     * merged into the defaults (so its hardware profile is never dropped), other keys replace.
     */
    public void applyTo(ObjectNode deviceConfiguration) {
        for (Map.Entry<String, JsonNode> e : configuration.properties()) {
            if (!CONFIGURABLE.contains(e.getKey())) {
                continue;
            }
            if (e.getKey().equals("heartbeat") && deviceConfiguration.path("heartbeat").isObject() && e.getValue().isObject()) {
                ObjectNode heartbeat = (ObjectNode) deviceConfiguration.get("heartbeat");
                e.getValue().properties().forEach(h -> {
                    if (!h.getValue().isNull()) {
                        heartbeat.set(h.getKey(), h.getValue().deepCopy());
                    }
                });
            } else if (!e.getValue().isNull()) {
                deviceConfiguration.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }
}
