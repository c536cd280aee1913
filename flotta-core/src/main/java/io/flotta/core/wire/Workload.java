package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.flotta.spi.FlottaException;
import java.util.List;
import java.util.Map;

/**
 * A workload to run on the device (swagger {@code workload}).
 *
 * @param name           workload name
 * @param namespace      namespace of the deployment it comes from
 * @param labels         workload labels
 * @param annotations    workload annotations
 * @param profiles       device profiles the workload depends on
 * @param specification  the pod spec as YAML text
 * @param data           data-transfer paths
 * @param imageRegistries registry credentials ({@code imageRegistries})
 * @param metrics        metrics endpoint of the workload
 * @param configmaps     config maps as Kubernetes YAML texts
 * @param logCollection  name of the log target to use ({@code log_collection})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Workload(
        @JsonProperty("name") String name,
        @JsonProperty("namespace") String namespace,
        @JsonProperty("labels") Map<String, String> labels,
        @JsonProperty("annotations") Map<String, String> annotations,
        @JsonProperty("profiles") List<WorkloadProfile> profiles,
        @JsonProperty("specification") String specification,
        @JsonProperty("data") DataConfiguration data,
        @JsonProperty("imageRegistries") ImageRegistries imageRegistries,
        @JsonProperty("metrics") WorkloadMetrics metrics,
        @JsonProperty("configmaps") List<String> configmaps,
        @JsonProperty("log_collection") String logCollection) {

    public Workload {
        labels = Copies.map(labels);
        annotations = Copies.map(annotations);
        profiles = Copies.list(profiles);
        configmaps = Copies.list(configmaps);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().name(name).namespace(namespace).labels(labels).annotations(annotations)
                .profiles(profiles).specification(specification).data(data).imageRegistries(imageRegistries)
                .metrics(metrics).configmaps(configmaps).logCollection(logCollection);
    }

    public static final class Builder {
        private String name;
        private String namespace;
        private Map<String, String> labels;
        private Map<String, String> annotations;
        private List<WorkloadProfile> profiles;
        private String specification;
        private DataConfiguration data;
        private ImageRegistries imageRegistries;
        private WorkloadMetrics metrics;
        private List<String> configmaps;
        private String logCollection;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder annotations(Map<String, String> annotations) {
            this.annotations = annotations;
            return this;
        }

        public Builder profiles(List<WorkloadProfile> profiles) {
            this.profiles = profiles;
            return this;
        }

        public Builder specification(String specification) {
            this.specification = specification;
            return this;
        }

        public Builder data(DataConfiguration data) {
            this.data = data;
            return this;
        }

        public Builder imageRegistries(ImageRegistries imageRegistries) {
            this.imageRegistries = imageRegistries;
            return this;
        }

        public Builder metrics(WorkloadMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder configmaps(List<String> configmaps) {
            this.configmaps = configmaps;
            return this;
        }

        public Builder logCollection(String logCollection) {
            this.logCollection = logCollection;
            return this;
        }

        public Workload build() {
            if (name == null || name.isBlank()) {
                throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, "workload name is required");
            }
            if (specification == null || specification.isBlank()) {
                throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT,
                        "workload " + name + ": specification is required");
            }
            return new Workload(name, namespace, labels, annotations, profiles, specification, data,
                    imageRegistries, metrics, configmaps, logCollection);
        }
    }
}
