package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A block device (swagger {@code disk}).
 *
 * @param id                  by-id if it exists, else by-path
 * @param name                kernel name
 * @param path                device path
 * @param driveType           e.g. {@code HDD}, {@code SSD}
 * @param vendor              vendor
 * @param model               model
 * @param serial              serial number
 * @param wwn                 world wide name
 * @param hctl                SCSI host:channel:target:lun
 * @param byPath              shortest physical path ({@code by_path})
 * @param byId                world wide number path ({@code by_id})
 * @param sizeBytes           size
 * @param bootable            bootable
 * @param isInstallationMedia whether it looks like installation media
 * @param smart               SMART data, JSON text
 * @param ioPerf              performance
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Disk(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("path") String path,
        @JsonProperty("drive_type") String driveType,
        @JsonProperty("vendor") String vendor,
        @JsonProperty("model") String model,
        @JsonProperty("serial") String serial,
        @JsonProperty("wwn") String wwn,
        @JsonProperty("hctl") String hctl,
        @JsonProperty("by_path") String byPath,
        @JsonProperty("by_id") String byId,
        @JsonProperty("size_bytes") Long sizeBytes,
        @JsonProperty("bootable") Boolean bootable,
        @JsonProperty("is_installation_media") Boolean isInstallationMedia,
        @JsonProperty("smart") String smart,
        @JsonProperty("io_perf") IoPerf ioPerf) {

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String id;
        private String name;
        private String path;
        private String driveType;
        private String vendor;
        private String model;
        private String serial;
        private String wwn;
        private String hctl;
        private String byPath;
        private String byId;
        private Long sizeBytes;
        private Boolean bootable;
        private Boolean isInstallationMedia;
        private String smart;
        private IoPerf ioPerf;

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder driveType(String driveType) {
            this.driveType = driveType;
            return this;
        }

        public Builder vendor(String vendor) {
            this.vendor = vendor;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder serial(String serial) {
            this.serial = serial;
            return this;
        }

        public Builder wwn(String wwn) {
            this.wwn = wwn;
            return this;
        }

        public Builder hctl(String hctl) {
            this.hctl = hctl;
            return this;
        }

        public Builder byPath(String byPath) {
            this.byPath = byPath;
            return this;
        }

        public Builder byId(String byId) {
            this.byId = byId;
            return this;
        }

        public Builder sizeBytes(Long sizeBytes) {
            this.sizeBytes = sizeBytes;
            return this;
        }

        public Builder bootable(Boolean bootable) {
            this.bootable = bootable;
            return this;
        }

        public Builder isInstallationMedia(Boolean isInstallationMedia) {
            this.isInstallationMedia = isInstallationMedia;
            return this;
        }

        public Builder smart(String smart) {
            this.smart = smart;
            return this;
        }

        public Builder ioPerf(IoPerf ioPerf) {
            this.ioPerf = ioPerf;
            return this;
        }

        public Disk build() {
            return new Disk(id, name, path, driveType, vendor, model, serial, wwn, hctl, byPath, byId,
                    sizeBytes, bootable, isInstallationMedia, smart, ioPerf);
        }
    }
}
