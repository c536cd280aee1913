package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Host facts in a {@link ConnectionStatus}; the gateway writes every key, empty strings included.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CanonicalFacts(
        @JsonProperty("insights_id") String insightsId,
        @JsonProperty("machine_id") String machineId,
        @JsonProperty("bios_uuid") String biosUuid,
        @JsonProperty("subscription_manager_id") String subscriptionManagerId,
        @JsonProperty("ip_addresses") List<String> ipAddresses,
        @JsonProperty("mac_addresses") List<String> macAddresses,
        @JsonProperty("fqdn") String fqdn) {

    public CanonicalFacts {
        ipAddresses = Copies.list(ipAddresses);
        macAddresses = Copies.list(macAddresses);
    }
}
