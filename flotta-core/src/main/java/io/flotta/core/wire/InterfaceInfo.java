package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A network interface (swagger {@code interface}); upstream always writes the three lists.
 *
 * @param name          interface name
 * @param macAddress    MAC address
 * @param ipv4Addresses IPv4 addresses in CIDR notation
 * @param ipv6Addresses IPv6 addresses in CIDR notation
 * @param flags         interface flags
 * @param hasCarrier    link detected
 * @param mtu           MTU
 * @param speedMbps     link speed
 * @param vendor        vendor
 * @param product       product
 * @param biosdevname   BIOS device name
 * @param clientId      DHCP client id
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InterfaceInfo(
        @JsonProperty("name") String name,
        @JsonProperty("mac_address") String macAddress,
        @JsonProperty("ipv4_addresses") @JsonInclude(JsonInclude.Include.ALWAYS) List<String> ipv4Addresses,
        @JsonProperty("ipv6_addresses") @JsonInclude(JsonInclude.Include.ALWAYS) List<String> ipv6Addresses,
        @JsonProperty("flags") @JsonInclude(JsonInclude.Include.ALWAYS) List<String> flags,
        @JsonProperty("has_carrier") Boolean hasCarrier,
        @JsonProperty("mtu") Long mtu,
        @JsonProperty("speed_mbps") Long speedMbps,
        @JsonProperty("vendor") String vendor,
        @JsonProperty("product") String product,
        @JsonProperty("biosdevname") String biosdevname,
        @JsonProperty("client_id") String clientId) {

    public InterfaceInfo {
        ipv4Addresses = Copies.list(ipv4Addresses);
        ipv6Addresses = Copies.list(ipv6Addresses);
        flags = Copies.list(flags);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String name;
        private String macAddress;
        private List<String> ipv4Addresses;
        private List<String> ipv6Addresses;
        private List<String> flags;
        private Boolean hasCarrier;
        private Long mtu;
        private Long speedMbps;
        private String vendor;
        private String product;
        private String biosdevname;
        private String clientId;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder macAddress(String macAddress) {
            this.macAddress = macAddress;
            return this;
        }

        public Builder ipv4Addresses(List<String> ipv4Addresses) {
            this.ipv4Addresses = ipv4Addresses;
            return this;
        }

        public Builder ipv6Addresses(List<String> ipv6Addresses) {
            this.ipv6Addresses = ipv6Addresses;
            return this;
        }

        public Builder flags(List<String> flags) {
            this.flags = flags;
            return this;
        }

        public Builder hasCarrier(Boolean hasCarrier) {
            this.hasCarrier = hasCarrier;
            return this;
        }

        public Builder mtu(Long mtu) {
            this.mtu = mtu;
            return this;
        }

        public Builder speedMbps(Long speedMbps) {
            this.speedMbps = speedMbps;
            return this;
        }

        public Builder vendor(String vendor) {
            this.vendor = vendor;
            return this;
        }

        public Builder product(String product) {
            this.product = product;
            return this;
        }

        public Builder biosdevname(String biosdevname) {
            this.biosdevname = biosdevname;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public InterfaceInfo build() {
            return new InterfaceInfo(name, macAddress, ipv4Addresses, ipv6Addresses, flags, hasCarrier, mtu,
                    speedMbps, vendor, product, biosdevname, clientId);
        }
    }
}
