package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.flotta.spi.FlottaException;
import java.util.List;

/**
 * The device's whole configuration, content of the {@code device} message served on
 * {@code data/in} (swagger {@code device-configuration-message}).
 *
 * <p>The upstream agent dereferences {@code configuration.heartbeat.hardware_profile} without a
 * check: build what is sent with {@link #builder()}, which never leaves them null.
 *
 * @param deviceId                    the device's id
 * @param version                     the configuration's version (a string)
 * @param configuration               device-level settings
 * @param workloads                   workloads to run, absent when none
 * @param workloadsMonitoringInterval seconds between workload health checks ({@code > 0})
 * @param secrets                     secrets the workloads reference
 * @param ansiblePlaybook             a playbook to run (upstream's unfinished ansible support)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceConfigurationMessage(
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("version") String version,
        @JsonProperty("configuration") DeviceConfiguration configuration,
        @JsonProperty("workloads") List<Workload> workloads,
        @JsonProperty("workloads_monitoring_interval") Long workloadsMonitoringInterval,
        @JsonProperty("secrets") List<Secret> secrets,
        @JsonProperty("ansible_playbook") String ansiblePlaybook) {

    public DeviceConfigurationMessage {
        workloads = Copies.list(workloads);
        secrets = Copies.list(secrets);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().deviceId(deviceId).version(version).configuration(configuration)
                .workloads(workloads).workloadsMonitoringInterval(workloadsMonitoringInterval)
                .secrets(secrets).ansiblePlaybook(ansiblePlaybook);
    }

    /** Builds configurations to send; a missing {@code configuration} becomes the default one. */
    public static final class Builder {
        private String deviceId;
        private String version;
        private DeviceConfiguration configuration;
        private List<Workload> workloads;
        private Long workloadsMonitoringInterval;
        private List<Secret> secrets;
        private String ansiblePlaybook;

        private Builder() {
        }

        public Builder deviceId(String deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder configuration(DeviceConfiguration configuration) {
            this.configuration = configuration;
            return this;
        }

        public Builder workloads(List<Workload> workloads) {
            this.workloads = workloads;
            return this;
        }

        public Builder workloadsMonitoringInterval(Long seconds) {
            this.workloadsMonitoringInterval = seconds;
            return this;
        }

        public Builder secrets(List<Secret> secrets) {
            this.secrets = secrets;
            return this;
        }

        public Builder ansiblePlaybook(String ansiblePlaybook) {
            this.ansiblePlaybook = ansiblePlaybook;
            return this;
        }

        public DeviceConfigurationMessage build() {
            if (deviceId == null || deviceId.isBlank()) {
                throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "device_id is required");
            }
            if (workloadsMonitoringInterval != null && workloadsMonitoringInterval <= 0) {
                throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                        "workloads_monitoring_interval must be > 0, was " + workloadsMonitoringInterval);
            }
            DeviceConfiguration config = configuration == null
                    ? DeviceConfiguration.builder().build()
                    : configuration.toBuilder().build();
            return new DeviceConfigurationMessage(deviceId, version, config, workloads,
                    workloadsMonitoringInterval, secrets, ansiblePlaybook);
        }
    }
}
