package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Heartbeat settings (swagger {@code heartbeat-configuration}). The record keeps what was received;
 * {@link DeviceConfiguration.Builder} makes sure what is sent has a hardware profile.
 *
 * @param periodSeconds   seconds between heartbeats (upstream agents fall back to 60 when ≤ 0)
 * @param hardwareProfile whether and how much hardware information heartbeats carry
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HeartbeatConfiguration(
        @JsonProperty("period_seconds") Long periodSeconds,
        @JsonProperty("hardware_profile") HardwareProfileConfiguration hardwareProfile) {

    public static final long DEFAULT_PERIOD_SECONDS = 60;

    /** What upstream sends by default: every 60 s, no hardware ({@code "hardware_profile": {}}). */
    public static HeartbeatConfiguration defaults() {
        return new HeartbeatConfiguration(DEFAULT_PERIOD_SECONDS, HardwareProfileConfiguration.none());
    }
}
