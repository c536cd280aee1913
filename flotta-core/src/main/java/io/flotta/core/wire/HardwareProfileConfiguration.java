package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Whether heartbeats carry hardware information (swagger {@code hardware-profile-configuration}).
 *
 * @param include true to include hardware information; absent means false
 * @param scope   {@code full} or {@code delta} (only what changed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HardwareProfileConfiguration(
        @JsonProperty("include") Boolean include,
        @JsonProperty("scope") String scope) {

    public static final String SCOPE_FULL = "full";
    public static final String SCOPE_DELTA = "delta";

    /** No hardware in heartbeats; written as {@code {}}, exactly as upstream does. */
    public static HardwareProfileConfiguration none() {
        return new HardwareProfileConfiguration(null, null);
    }

    /** {@code include} with its default applied. */
    public boolean includes() {
        return Boolean.TRUE.equals(include);
    }
}
