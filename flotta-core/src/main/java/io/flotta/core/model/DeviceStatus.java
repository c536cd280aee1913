package io.flotta.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * What the control plane knows of a device (the {@code status} of its resource). Last-seen time is
 * not here: it changes on every heartbeat and lives in the store's liveness records.
 *
 * @param registeredAt       first registration
 * @param state              {@code online} or {@code offline} (offline after missed heartbeats)
 * @param agentStatus        the agent's own status string ({@code up}…), verbatim
 * @param agentVersion       the configuration version the agent last reported applying
 * @param hardware           the hardware info the agent last reported (upstream schema)
 * @param workloads          workloads placed on the device, with their phases
 * @param events             the most recent events, newest last
 * @param certificateSerials serial numbers (hex) of certificates issued to the device, newest last
 * @param certificateExpiry  expiry of the newest certificate
 * @param storage            the device's bucket, when storage was provisioned
 * @param storageClaim       the claim for the device's bucket, where one is claimed (Kubernetes mode:
 *                           the {@code ObjectBucketClaim}'s name)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceStatus(
        @JsonProperty("registeredAt") Instant registeredAt,
        @JsonProperty("state") String state,
        @JsonProperty("agentStatus") String agentStatus,
        @JsonProperty("agentVersion") String agentVersion,
        @JsonProperty("hardware") JsonNode hardware,
        @JsonProperty("workloads") List<DeviceWorkloadStatus> workloads,
        @JsonProperty("events") List<DeviceEvent> events,
        @JsonProperty("certificateSerials") List<String> certificateSerials,
        @JsonProperty("certificateExpiry") Instant certificateExpiry,
        @JsonProperty("storage") JsonNode storage,
        @JsonProperty("storageClaim") String storageClaim) {

    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";

    public DeviceStatus {
        workloads = workloads == null ? List.of() : List.copyOf(workloads);
        events = events == null ? List.of() : List.copyOf(events);
        certificateSerials = certificateSerials == null ? List.of() : List.copyOf(certificateSerials);
    }

    public static DeviceStatus empty() {
        return new DeviceStatus(null, null, null, null, null, null, null, null, null, null, null);
    }

    public DeviceStatus withRegistration(Instant at, List<String> serials, Instant expiry) {
        return new DeviceStatus(registeredAt == null ? at : registeredAt, state, agentStatus, agentVersion, hardware,
                workloads, events, serials, expiry, storage, storageClaim);
    }

    public DeviceStatus withState(String newState) {
        return new DeviceStatus(registeredAt, newState, agentStatus, agentVersion, hardware, workloads, events,
                certificateSerials, certificateExpiry, storage, storageClaim);
    }

    public DeviceStatus withAgent(String newAgentStatus, String newAgentVersion) {
        return new DeviceStatus(registeredAt, state, newAgentStatus, newAgentVersion, hardware, workloads, events,
                certificateSerials, certificateExpiry, storage, storageClaim);
    }

    public DeviceStatus withHardware(JsonNode newHardware) {
        return new DeviceStatus(registeredAt, state, agentStatus, agentVersion, newHardware, workloads, events,
                certificateSerials, certificateExpiry, storage, storageClaim);
    }

    public DeviceStatus withWorkloads(List<DeviceWorkloadStatus> newWorkloads) {
        return new DeviceStatus(registeredAt, state, agentStatus, agentVersion, hardware, newWorkloads, events,
                certificateSerials, certificateExpiry, storage, storageClaim);
    }

    public DeviceStatus withEvents(List<DeviceEvent> newEvents) {
        return new DeviceStatus(registeredAt, state, agentStatus, agentVersion, hardware, workloads, newEvents,
                certificateSerials, certificateExpiry, storage, storageClaim);
    }

    public DeviceStatus withStorage(JsonNode newStorage) {
        return new DeviceStatus(registeredAt, state, agentStatus, agentVersion, hardware, workloads, events,
                certificateSerials, certificateExpiry, newStorage, storageClaim);
    }

    public DeviceStatus withStorageClaim(String newStorageClaim) {
        return new DeviceStatus(registeredAt, state, agentStatus, agentVersion, hardware, workloads, events,
                certificateSerials, certificateExpiry, storage, newStorageClaim);
    }
}
