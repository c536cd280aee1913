package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Content of a {@code connection-status} message that the gateway posts to {@code control/out}
 * when it connects or disconnects. Not in the swagger: the gateway's own format, whose fields it
 * always writes.
 *
 * @param canonicalFacts facts identifying the host
 * @param dispatchers    the workers registered with the gateway, by directive, with their features
 *                       (a worker without features maps to {@code null})
 * @param state          {@code online} or {@code offline}
 * @param tags           optional host tags
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionStatus(
        @JsonProperty("canonical_facts") @JsonInclude(JsonInclude.Include.ALWAYS) CanonicalFacts canonicalFacts,
        @JsonProperty("dispatchers") @JsonInclude(JsonInclude.Include.ALWAYS)
        Map<String, Map<String, String>> dispatchers,
        @JsonProperty("state") @JsonInclude(JsonInclude.Include.ALWAYS) String state,
        @JsonProperty("tags") Map<String, String> tags) {

    public static final String STATE_ONLINE = "online";
    public static final String STATE_OFFLINE = "offline";

    public ConnectionStatus {
        dispatchers = Copies.map(dispatchers);
        tags = Copies.map(tags);
    }
}
