package io.flotta.examples.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Compares the shape of two JSON documents: the same keys in every object, the same number of
 * elements in every array, the same node type in every place. Values are not compared (message
 * ids, times, versions and certificates differ between any two servers).
 */
final class JsonShape {

    private JsonShape() {
    }

    /** Where {@code ours} is shaped differently from {@code expected}, one line per place. */
    static List<String> differences(JsonNode expected, JsonNode ours) {
        List<String> out = new ArrayList<>();
        diff("$", expected, ours, out);
        return out;
    }

    private static void diff(String path, JsonNode expected, JsonNode ours, List<String> out) {
        if (expected.isNumber() && ours.isNumber()) {
            return;
        }
        if (expected.getNodeType() != ours.getNodeType()) {
            out.add(path + ": " + expected.getNodeType() + " became " + ours.getNodeType());
            return;
        }
        if (expected.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            expected.fieldNames().forEachRemaining(keys::add);
            ours.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String child = path + "." + key;
                if (!expected.has(key)) {
                    out.add(child + ": added");
                } else if (!ours.has(key)) {
                    out.add(child + ": missing");
                } else {
                    diff(child, expected.get(key), ours.get(key), out);
                }
            }
        } else if (expected.isArray()) {
            if (expected.size() != ours.size()) {
                out.add(path + ": " + expected.size() + " elements became " + ours.size());
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                diff(path + "[" + i + "]", expected.get(i), ours.get(i), out);
            }
        }
    }
}
