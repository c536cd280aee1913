package io.flotta.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One workload as the control plane records it for a device.
 *
 * @param name               the workload (= deployment) name
 * @param phase              {@code Deploying} until the agent reports, then what it reports
 *                           ({@code Running}, {@code Exited}…), kept verbatim but length-capped
 * @param lastTransitionTime when the phase last changed
 * @param lastDataUpload     the agent's last successful data upload for it, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceWorkloadStatus(
        @JsonProperty("name") String name,
        @JsonProperty("phase") String phase,
        @JsonProperty("lastTransitionTime") Instant lastTransitionTime,
        @JsonProperty("lastDataUpload") Instant lastDataUpload) {

    public static final String DEPLOYING = "Deploying";
}
