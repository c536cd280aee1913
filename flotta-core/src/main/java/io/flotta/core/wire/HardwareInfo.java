package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a device reports about its hardware (swagger {@code hardware-info}).
 *
 * <p>Upstream agents always write the five lists, as {@code null} when empty or, in a {@code delta}
 * heartbeat, unchanged; so do these records. The other fields are written only when set.
 *
 * @param hostname     host name
 * @param cpu          processor
 * @param memory       memory sizes
 * @param boot         boot mode
 * @param systemVendor manufacturer and product ({@code system_vendor})
 * @param interfaces   network interfaces
 * @param disks        block devices
 * @param gpus         graphics adapters
 * @param hostDevices  device nodes ({@code host_devices})
 * @param mounts       mounted file systems
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HardwareInfo(
        @JsonProperty("hostname") String hostname,
        @JsonProperty("cpu") Cpu cpu,
        @JsonProperty("memory") Memory memory,
        @JsonProperty("boot") Boot boot,
        @JsonProperty("system_vendor") SystemVendor systemVendor,
        @JsonProperty("interfaces") @JsonInclude(JsonInclude.Include.ALWAYS) List<InterfaceInfo> interfaces,
        @JsonProperty("disks") @JsonInclude(JsonInclude.Include.ALWAYS) List<Disk> disks,
        @JsonProperty("gpus") @JsonInclude(JsonInclude.Include.ALWAYS) List<Gpu> gpus,
        @JsonProperty("host_devices") @JsonInclude(JsonInclude.Include.ALWAYS) List<HostDevice> hostDevices,
        @JsonProperty("mounts") @JsonInclude(JsonInclude.Include.ALWAYS) List<Mount> mounts) {

    public HardwareInfo {
        interfaces = Copies.list(interfaces);
        disks = Copies.list(disks);
        gpus = Copies.list(gpus);
        hostDevices = Copies.list(hostDevices);
        mounts = Copies.list(mounts);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().hostname(hostname).cpu(cpu).memory(memory).boot(boot).systemVendor(systemVendor)
                .interfaces(interfaces).disks(disks).gpus(gpus).hostDevices(hostDevices).mounts(mounts);
    }

    public static final class Builder {
        private String hostname;
        private Cpu cpu;
        private Memory memory;
        private Boot boot;
        private SystemVendor systemVendor;
        private List<InterfaceInfo> interfaces;
        private List<Disk> disks;
        private List<Gpu> gpus;
        private List<HostDevice> hostDevices;
        private List<Mount> mounts;

        private Builder() {
        }

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder cpu(Cpu cpu) {
            this.cpu = cpu;
            return this;
        }

        public Builder memory(Memory memory) {
            this.memory = memory;
            return this;
        }

        public Builder boot(Boot boot) {
            this.boot = boot;
            return this;
        }

        public Builder systemVendor(SystemVendor systemVendor) {
            this.systemVendor = systemVendor;
            return this;
        }

        public Builder interfaces(List<InterfaceInfo> interfaces) {
            this.interfaces = interfaces;
            return this;
        }

        public Builder disks(List<Disk> disks) {
            this.disks = disks;
            return this;
        }

        public Builder gpus(List<Gpu> gpus) {
            this.gpus = gpus;
            return this;
        }

        public Builder hostDevices(List<HostDevice> hostDevices) {
            this.hostDevices = hostDevices;
            return this;
        }

        public Builder mounts(List<Mount> mounts) {
            this.mounts = mounts;
            return this;
        }

        public HardwareInfo build() {
            return new HardwareInfo(hostname, cpu, memory, boot, systemVendor, interfaces, disks, gpus,
                    hostDevices, mounts);
        }
    }
}
