package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the device booted (swagger {@code boot}).
 *
 * @param currentBootMode e.g. {@code uefi} or {@code bios}
 * @param pxeInterface    interface used for PXE boot
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Boot(
        @JsonProperty("current_boot_mode") String currentBootMode,
        @JsonProperty("pxe_interface") String pxeInterface) {
}
