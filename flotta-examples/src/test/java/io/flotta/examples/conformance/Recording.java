package io.flotta.examples.conformance;

import io.flotta.core.testkit.Conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.model.ModelJson;
import io.flotta.spi.transport.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recorded upstream traffic in {@code shared/conformance} (see its README): one exchange per
 * line. Both recordings are read into the same {@link Exchange} shape.
 */
final class Recording {

    static final String OPERATOR_SESSION = Conformance.OPERATOR_SESSION;
    static final String WORKER_SESSION = Conformance.WORKER_SESSION;
    /** The device id of both recordings. */
    static final String DEVICE_ID = "7ca12aeb-fe05-49c1-82e9-5e0e58405901";
    static final String REGISTRATION_CN = "register";

    private static final Pattern PATH = Pattern.compile("^/api/flotta-management/v1/(data|control)/([^/]+)/(in|out)$");

    private Recording() {
    }

    /**
     * One recorded request and the answer it got.
     *
     * @param line            line number in the file (1-based)
     * @param responseHeaders the answer's headers; empty for the stand-in session, which kept none
     */
    record Exchange(String file, int line, String method, String path, String clientCn,
                    Map<String, String> requestHeaders, String request, int status,
                    Map<String, String> responseHeaders, String response) {

        Route route() {
            Matcher m = matcher();
            boolean data = m.group(1).equals("data");
            boolean in = m.group(3).equals("in");
            return data ? (in ? Route.DATA_IN : Route.DATA_OUT) : (in ? Route.CONTROL_IN : Route.CONTROL_OUT);
        }

        String deviceId() {
            return matcher().group(2);
        }

        boolean withRegistrationCertificate() {
            return REGISTRATION_CN.equals(clientCn);
        }

        /** The request envelope's directive (or type when it has none); empty for GETs. */
        String directive() {
            if (request.isEmpty()) {
                return "";
            }
            JsonNode envelope = requestJson();
            return envelope.hasNonNull("directive") ? envelope.get("directive").asText() : envelope.path("type").asText();
        }

        JsonNode requestJson() {
            return json(request);
        }

        JsonNode responseJson() {
            return json(response);
        }

        private JsonNode json(String text) {
            return Recording.json(text, file + ":" + line);
        }

        private Matcher matcher() {
            Matcher m = PATH.matcher(path);
            if (!m.matches()) {
                throw new AssertionError(file + ":" + line + ": unexpected path " + path);
            }
            return m;
        }

        @Override
        public String toString() {
            String directive = directive();
            return file + ":" + line + " " + method + " " + route() + (directive.isEmpty() ? "" : " " + directive)
                    + " as " + (withRegistrationCertificate() ? "register" : "device") + " (recorded " + status + ")";
        }
    }

    static JsonNode json(String text, String what) {
        try {
            return ModelJson.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError(what + ": not JSON: " + text, e);
        }
    }

    /** All exchanges of {@code file}, in order. */
    static List<Exchange> load(String file) {
        Path recording = Conformance.directory().resolve(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(recording, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + recording, e);
        }
        boolean operator = file.equals(OPERATOR_SESSION);
        List<Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode e;
            try {
                e = ModelJson.mapper().readTree(lines.get(i));
            } catch (IOException ex) {
                throw new AssertionError(file + ":" + (i + 1) + " is not JSON", ex);
            }
            exchanges.add(new Exchange(file, i + 1, e.path("method").asText(), e.path("path").asText(),
                    e.path("client_cn").asText(), strings(e.path(operator ? "req_headers" : "headers")),
                    e.path(operator ? "request" : "body").asText(""), e.path("status").asInt(),
                    strings(e.path("resp_headers")), e.path("response").asText("")));
        }
        assertThat(exchanges).as("exchanges in %s", recording).isNotEmpty();
        return exchanges;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(f -> map.put(f.getKey(), f.getValue().asText()));
        return map;
    }
}
