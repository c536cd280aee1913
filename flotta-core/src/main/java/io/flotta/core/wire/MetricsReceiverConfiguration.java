package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Remote-write receiver for device metrics (swagger {@code metrics-receiver-configuration}).
 *
 * @param url               receiver URL
 * @param timeoutSeconds    write timeout
 * @param requestNumSamples samples per request
 * @param caCert            PEM CA to trust for the receiver ({@code caCert})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MetricsReceiverConfiguration(
        @JsonProperty("url") String url,
        @JsonProperty("timeout_seconds") Long timeoutSeconds,
        @JsonProperty("request_num_samples") Long requestNumSamples,
        @JsonProperty("caCert") String caCert) {
}
