package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Device-level settings (swagger {@code device-configuration}).
 *
 * @param heartbeat     heartbeat period and hardware reporting; never null in what is sent
 * @param storage       where workload data goes
 * @param metrics       metrics collection and remote write
 * @param os            OS image lifecycle
 * @param logCollection log targets by name ({@code log-collection})
 * @param mounts        host mounts; upstream always writes this key ({@code []} when none)
 * @param profiles      device profiles workloads can refer to
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceConfiguration(
        @JsonProperty("heartbeat") HeartbeatConfiguration heartbeat,
        @JsonProperty("storage") StorageConfiguration storage,
        @JsonProperty("metrics") MetricsConfiguration metrics,
        @JsonProperty("os") OsInformation os,
        @JsonProperty("log-collection") Map<String, LogsCollectionInformation> logCollection,
        @JsonProperty("mounts") @JsonInclude(JsonInclude.Include.ALWAYS) List<Mount> mounts,
        @JsonProperty("profiles") List<Profile> profiles) {

    public DeviceConfiguration {
        logCollection = Copies.map(logCollection);
        mounts = Copies.list(mounts);
        profiles = Copies.list(profiles);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().heartbeat(heartbeat).storage(storage).metrics(metrics).os(os)
                .logCollection(logCollection).mounts(mounts).profiles(profiles);
    }

    /**
     * Builds settings to send. The heartbeat defaults to {@link HeartbeatConfiguration#defaults()}
     * and a heartbeat without hardware profile gets {@link HardwareProfileConfiguration#none()}:
     * the upstream agent crashes on either being null. Mounts default to an empty list, as upstream.
     */
    public static final class Builder {
        private HeartbeatConfiguration heartbeat;
        private StorageConfiguration storage;
        private MetricsConfiguration metrics;
        private OsInformation os;
        private Map<String, LogsCollectionInformation> logCollection;
        private List<Mount> mounts;
        private List<Profile> profiles;

        private Builder() {
        }

        public Builder heartbeat(HeartbeatConfiguration heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder storage(StorageConfiguration storage) {
            this.storage = storage;
            return this;
        }

        public Builder metrics(MetricsConfiguration metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder os(OsInformation os) {
            this.os = os;
            return this;
        }

        public Builder logCollection(Map<String, LogsCollectionInformation> logCollection) {
            this.logCollection = logCollection;
            return this;
        }

        public Builder mounts(List<Mount> mounts) {
            this.mounts = mounts;
            return this;
        }

        public Builder profiles(List<Profile> profiles) {
            this.profiles = profiles;
            return this;
        }

        public DeviceConfiguration build() {
            HeartbeatConfiguration hb = heartbeat == null ? HeartbeatConfiguration.defaults() : heartbeat;
            if (hb.hardwareProfile() == null) {
                hb = new HeartbeatConfiguration(hb.periodSeconds(), HardwareProfileConfiguration.none());
            }
            return new DeviceConfiguration(hb, storage, metrics, os, logCollection,
                    mounts == null ? List.of() : mounts, profiles);
        }
    }
}
