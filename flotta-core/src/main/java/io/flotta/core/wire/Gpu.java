package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A graphics adapter (swagger {@code gpu}).
 *
 * @param vendor   vendor name
 * @param vendorId vendor id, e.g. {@code 8086}
 * @param deviceId device id, e.g. {@code 3ea0}
 * @param name     product name
 * @param address  bus address, e.g. {@code 0000:00:02.0}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Gpu(
        @JsonProperty("vendor") String vendor,
        @JsonProperty("vendor_id") String vendorId,
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("name") String name,
        @JsonProperty("address") String address) {
}
