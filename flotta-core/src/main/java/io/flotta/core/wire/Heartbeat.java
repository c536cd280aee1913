package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;

/**
 * Content of a {@code heartbeat} message (swagger {@code heartbeat}, plus {@code playbook-executions}
 * that current upstream agents send and {@code time} that older ones sent).
 *
 * <p>The upstream agent always writes {@code workloads}, {@code events} and
 * {@code playbook-executions}, as {@code null} when it has none; so do these records.
 *
 * @param status             {@code up} or {@code degraded}
 * @param version            the configuration version the device runs
 * @param time               when the heartbeat was made (older agents only)
 * @param workloads          status of each workload
 * @param upgrade            OS upgrade status
 * @param hardware           hardware information, when the hardware profile asks for it
 * @param events             events since the last heartbeat
 * @param playbookExecutions status of ansible playbook runs ({@code playbook-executions})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Heartbeat(
        @JsonProperty("status") String status,
        @JsonProperty("version") String version,
        @JsonProperty("time")
        @JsonSerialize(using = WireTime.Serializer.class)
        @JsonDeserialize(using = WireTime.Deserializer.class)
        Instant time,
        @JsonProperty("workloads") @JsonInclude(JsonInclude.Include.ALWAYS) List<WorkloadStatus> workloads,
        @JsonProperty("upgrade") UpgradeStatus upgrade,
        @JsonProperty("hardware") HardwareInfo hardware,
        @JsonProperty("events") @JsonInclude(JsonInclude.Include.ALWAYS) List<EventInfo> events,
        @JsonProperty("playbook-executions") @JsonInclude(JsonInclude.Include.ALWAYS)
        List<PlaybookExecutionStatus> playbookExecutions) {

    public static final String STATUS_UP = "up";
    public static final String STATUS_DEGRADED = "degraded";

    public Heartbeat {
        workloads = Copies.list(workloads);
        events = Copies.list(events);
        playbookExecutions = Copies.list(playbookExecutions);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().status(status).version(version).time(time).workloads(workloads)
                .upgrade(upgrade).hardware(hardware).events(events).playbookExecutions(playbookExecutions);
    }

    public static final class Builder {
        private String status;
        private String version;
        private Instant time;
        private List<WorkloadStatus> workloads;
        private UpgradeStatus upgrade;
        private HardwareInfo hardware;
        private List<EventInfo> events;
        private List<PlaybookExecutionStatus> playbookExecutions;

        private Builder() {
        }

        public Builder status(String status) {
            this.status = status;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        public Builder workloads(List<WorkloadStatus> workloads) {
            this.workloads = workloads;
            return this;
        }

        public Builder upgrade(UpgradeStatus upgrade) {
            this.upgrade = upgrade;
            return this;
        }

        public Builder hardware(HardwareInfo hardware) {
            this.hardware = hardware;
            return this;
        }

        public Builder events(List<EventInfo> events) {
            this.events = events;
            return this;
        }

        public Builder playbookExecutions(List<PlaybookExecutionStatus> playbookExecutions) {
            this.playbookExecutions = playbookExecutions;
            return this;
        }

        public Heartbeat build() {
            return new Heartbeat(status, version, time, workloads, upgrade, hardware, events, playbookExecutions);
        }
    }
}
