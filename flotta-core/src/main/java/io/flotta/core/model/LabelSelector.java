package io.flotta.core.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.flotta.spi.FlottaException;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes label selector with its full semantics: every {@code matchLabels} pair and every
 * {@code matchExpressions} requirement must hold. An empty selector matches every device, as in
 * Kubernetes; a deployment with no selector at all matches none (see {@link DeploymentSpec}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LabelSelector(
        @JsonProperty("matchLabels") Map<String, String> matchLabels,
        @JsonProperty("matchExpressions") List<Requirement> matchExpressions) {

    public LabelSelector {
        matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }

    public static LabelSelector matching(Map<String, String> labels) {
        return new LabelSelector(labels, List.of());
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Checks operators and value counts as Kubernetes does; throws INVALID_ARGUMENT naming the field. */
    public LabelSelector validated() {
        for (int i = 0; i < matchExpressions.size(); i++) {
            matchExpressions.get(i).validate("deviceSelector.matchExpressions[" + i + "]");
        }
        return this;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }

    /** One {@code matchExpressions} entry. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Requirement(
            @JsonProperty("key") String key,
            @JsonProperty("operator") String operator,
            @JsonProperty("values") List<String> values) {

        public Requirement {
            values = values == null ? List.of() : List.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> false;
            };
        }

        void validate(String field) {
            if (key == null || key.isBlank()) {
                throw invalid(field + ".key must not be empty");
            }
            if (operator == null) {
                throw invalid(field + ".operator must be one of In, NotIn, Exists, DoesNotExist");
            }
            switch (operator) {
                case "In", "NotIn" -> {
                    if (values.isEmpty()) {
                        throw invalid(field + ".values must not be empty for operator " + operator);
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (!values.isEmpty()) {
                        throw invalid(field + ".values must be empty for operator " + operator);
                    }
                }
                default -> throw invalid(field + ".operator must be one of In, NotIn, Exists, DoesNotExist, was "
                        + operator);
            }
        }

        private static FlottaException invalid(String message) {
            return new FlottaException(FlottaException.Code.INVALID_ARGUMENT, message);
        }
    }
}
