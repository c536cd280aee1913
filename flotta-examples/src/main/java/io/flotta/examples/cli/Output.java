package io.flotta.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flotta.core.model.ModelJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Formats admin API answers: aligned tables for people, JSON or YAML for programs. */
final class Output {

    enum Format { table, json, yaml }

    private static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private Output() {
    }

    static void structured(PrintWriter out, JsonNode value, Format format) {
        try {
            if (format == Format.yaml) {
                out.print(YAML.writeValueAsString(value));
            } else {
                out.println(ModelJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** Prints {@code rows} under {@code header}, each column as wide as its widest cell. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] widths = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length() + 3));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** "12s", "5m", "3h", "2d" since {@code timestamp} (RFC 3339), or "-" when there is none. */
    static String age(JsonNode timestamp, Instant now) {
        if (timestamp == null || !timestamp.isTextual()) {
            return "-";
        }
        try {
            long s = Math.max(0, Duration.between(Instant.parse(timestamp.asText()), now).toSeconds());
            if (s < 120) {
                return s + "s";
            }
            if (s < 7200) {
                return s / 60 + "m";
            }
            if (s < 172800) {
                return s / 3600 + "h";
            }
            return s / 86400 + "d";
        } catch (DateTimeParseException e) {
            return "-";
        }
    }

    static String capitalized(String s) {
        return s == null || s.isEmpty() ? "Pending" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
