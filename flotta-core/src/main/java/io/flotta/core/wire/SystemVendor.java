package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Manufacturer information (swagger {@code system_vendor}).
 *
 * @param manufacturer manufacturer
 * @param productName  product
 * @param serialNumber serial number
 * @param virtual      whether the machine appears to be virtual
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SystemVendor(
        @JsonProperty("manufacturer") String manufacturer,
        @JsonProperty("product_name") String productName,
        @JsonProperty("serial_number") String serialNumber,
        @JsonProperty("virtual") Boolean virtual) {
}
