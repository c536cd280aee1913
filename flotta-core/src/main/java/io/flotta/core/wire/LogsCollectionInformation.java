package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A log collection target (swagger {@code logs-collection-information}).
 *
 * @param kind         target kind, e.g. {@code syslog}
 * @param bufferSize   buffer size
 * @param syslogConfig syslog endpoint
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogsCollectionInformation(
        @JsonProperty("kind") String kind,
        @JsonProperty("buffer_size") Integer bufferSize,
        @JsonProperty("syslog_config") SyslogConfig syslogConfig) {

    /**
     * @param address  host:port
     * @param protocol {@code tcp} or {@code udp}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SyslogConfig(
            @JsonProperty("address") String address,
            @JsonProperty("protocol") String protocol) {
    }
}
