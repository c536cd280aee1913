package io.flotta.core.wire;

import io.flotta.core.testkit.Conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.spi.FlottaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every body in the recorded upstream traffic, read into its wire type and written again, must give
 * the same JSON tree: no key lost, added, renamed or retyped (numbers compare by value).
 *
 * <p>The recordings live in {@code shared/conformance} beside the project checkout.
 */
class ConformanceRoundTripTest {

    private static final String OPERATOR_SESSION = Conformance.OPERATOR_SESSION;
    private static final String WORKER_SESSION = Conformance.WORKER_SESSION;
    /** The recorder of the stand-in session cut its own (stand-in) answers at this length. */
    private static final int STAND_IN_RESPONSE_CUT = 300;

    private static final Pattern ROUTE = Pattern.compile(".*/(data|control)/[^/]+/(in|out)$");

    /** One recorded body: a request or a response of one exchange. */
    record Body(String file, int line, boolean request, String method, String path, int status, String text) {

        String route() {
            Matcher m = ROUTE.matcher(path);
            if (!m.matches()) {
                throw new AssertionError(this + ": unexpected path " + path);
            }
            return m.group(1) + "/" + m.group(2);
        }

        @Override
        public String toString() {
            return file + ":" + line + " " + method + " " + route() + " " + status + " "
                    + (request ? "request" : "response");
        }
    }

    @TestFactory
    Stream<DynamicTest> upstreamOperatorSessionRoundTrips() throws IOException {
        return bodies(OPERATOR_SESSION, "request").stream()
                .map(body -> DynamicTest.dynamicTest(body.toString(), () -> roundTrip(body)));
    }

    @TestFactory
    Stream<DynamicTest> yggdDeviceWorkerSessionRoundTrips() throws IOException {
        return bodies(WORKER_SESSION, "body").stream()
                .map(body -> DynamicTest.dynamicTest(body.toString(), () -> {
                    if (isCutStandInResponse(body)) {
                        // not JSON any more: it must be rejected cleanly, not half-read
                        assertThatThrownBy(() -> Json.read(body.text(), Message.class))
                                .isInstanceOf(FlottaException.class)
                                .extracting(e -> ((FlottaException) e).code())
                                .isEqualTo(FlottaException.Code.INVALID_ARGUMENT);
                        return;
                    }
                    roundTrip(body);
                }));
    }

    /** Guards against a vacuous pass: each kind of body the API carries must have been exercised. */
    @Test
    void everyKindOfBodyIsExercised() throws IOException {
        Map<String, Integer> kinds = new TreeMap<>();
        int cut = 0;
        for (Body body : allBodies()) {
            if (isCutStandInResponse(body)) {
                cut++;
                continue;
            }
            kinds.merge(roundTrip(body), 1, Integer::sum);
        }
        assertThat(kinds).containsOnlyKeys(
                "control/out connection-status",
                "control/in command",
                "data/out enrolment",
                "data/out registration",
                "data/out heartbeat",
                "data/out ansible",
                "data/out answer registration",
                "data/in device");
        assertThat(kinds.get("data/in device")).isGreaterThanOrEqualTo(60);
        assertThat(kinds.get("data/out heartbeat")).isGreaterThanOrEqualTo(18);
        // only the stand-in's own answers were cut; every request the real agent sent is complete
        assertThat(cut).isEqualTo(17);
    }

    /** Reads {@code body} into its wire type, writes it again and compares; returns its kind. */
    private static String roundTrip(Body body) {
        JsonNode original = Json.readTree(body.text());
        String route = body.route();
        String kind;
        JsonNode written;
        if (!body.request() && route.equals("data/out")) {
            MessageResponse answer = Json.read(body.text(), MessageResponse.class);
            JsonNode content = retype(body, answer.content(), answerType(body, answer.directive()));
            kind = route + " answer " + answer.directive();
            written = Json.readTree(Json.write(new MessageResponse(answer.messageId(), answer.directive(), content)));
        } else {
            Message message = Json.read(body.text(), Message.class);
            kind = route + " " + (message.directive() != null ? message.directive() : message.type());
            JsonNode content = retype(body, message.content(), contentType(body, route, message));
            written = Json.readTree(Json.write(new Message(message.type(), message.messageId(),
                    message.responseTo(), message.version(), message.sent(), message.directive(),
                    message.metadata(), content)));
        }
        List<String> differences = new ArrayList<>();
        diff("$", original, written, differences);
        assertThat(differences).as("%s: written differs from received", body).isEmpty();
        return kind;
    }

    /** The content read into {@code type} and written back; JSON {@code null}/absent pass through. */
    private static JsonNode retype(Body body, JsonNode content, TypeReference<?> type) {
        if (content == null || content.isNull()) {
            return content;
        }
        assertThat(type).as("%s: content without a wire type", body).isNotNull();
        Object typed = Json.convert(content, type);
        JsonNode again = Json.toTree(typed);
        List<String> differences = new ArrayList<>();
        diff("$.content", content, again, differences);
        assertThat(differences).as("%s: %s lost or changed content", body, type.getType()).isEmpty();
        return again;
    }

    private static TypeReference<?> contentType(Body body, String route, Message message) {
        return switch (route) {
            case "control/out" -> switch (message.type()) {
                case Message.TYPE_CONNECTION_STATUS -> new TypeReference<ConnectionStatus>() { };
                default -> throw new AssertionError(body + ": unexpected type " + message.type());
            };
            case "control/in" -> switch (message.type()) {
                case Message.TYPE_COMMAND -> new TypeReference<Command>() { };
                default -> throw new AssertionError(body + ": unexpected type " + message.type());
            };
            case "data/in" -> switch (message.directive()) {
                case Message.DIRECTIVE_DEVICE -> new TypeReference<DeviceConfigurationMessage>() { };
                default -> throw new AssertionError(body + ": unexpected directive " + message.directive());
            };
            case "data/out" -> switch (message.directive()) {
                case Message.DIRECTIVE_ENROLMENT -> new TypeReference<EnrolmentInfo>() { };
                case Message.DIRECTIVE_REGISTRATION -> new TypeReference<RegistrationInfo>() { };
                case Message.DIRECTIVE_HEARTBEAT -> new TypeReference<Heartbeat>() { };
                // the agent asks for playbooks with no content; anything else would be a surprise
                case Message.DIRECTIVE_ANSIBLE -> null;
                default -> throw new AssertionError(body + ": unexpected directive " + message.directive());
            };
            default -> throw new AssertionError(body + ": unexpected route " + route);
        };
    }

    private static TypeReference<?> answerType(Body body, String directive) {
        return switch (directive) {
            case Message.DIRECTIVE_REGISTRATION -> new TypeReference<RegistrationResponse>() { };
            case Message.DIRECTIVE_ANSIBLE -> new TypeReference<List<PlaybookExecution>>() { };
            default -> throw new AssertionError(body + ": unexpected answer to " + directive);
        };
    }

    /**
     * Structural comparison with JSON paths in the report. Keys must match exactly (an explicit
     * {@code null} is not an absent key), node types must match, numbers compare by value.
     */
    static void diff(String path, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected.isNumber() && actual.isNumber()) {
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                out.add(path + ": " + expected + " became " + actual);
            }
            return;
        }
        if (expected.getNodeType() != actual.getNodeType()) {
            out.add(path + ": " + expected.getNodeType() + " became " + actual.getNodeType());
            return;
        }
        if (expected.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            expected.fieldNames().forEachRemaining(keys::add);
            actual.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String child = path + "." + key;
                if (!expected.has(key)) {
                    out.add(child + ": added");
                } else if (!actual.has(key)) {
                    out.add(child + ": lost");
                } else {
                    diff(child, expected.get(key), actual.get(key), out);
                }
            }
        } else if (expected.isArray()) {
            if (expected.size() != actual.size()) {
                out.add(path + ": " + expected.size() + " elements became " + actual.size());
                return;
            }
            Iterator<JsonNode> e = expected.elements();
            Iterator<JsonNode> a = actual.elements();
            for (int i = 0; e.hasNext(); i++) {
                diff(path + "[" + i + "]", e.next(), a.next(), out);
            }
        } else if (!expected.equals(actual)) {
            out.add(path + ": " + expected + " became " + actual);
        }
    }

    private static boolean isCutStandInResponse(Body body) {
        if (!body.file().equals(WORKER_SESSION) || body.request()
                || body.text().length() != STAND_IN_RESPONSE_CUT) {
            return false;
        }
        try {
            Json.readTree(body.text());
            return false;
        } catch (FlottaException e) {
            return true;
        }
    }

    private static List<Body> allBodies() throws IOException {
        List<Body> all = new ArrayList<>(bodies(OPERATOR_SESSION, "request"));
        all.addAll(bodies(WORKER_SESSION, "body"));
        return all;
    }

    /** The non-empty request and response bodies of one recording, in order. */
    private static List<Body> bodies(String file, String requestField) throws IOException {
        Path recording = Conformance.directory().resolve(file);
        List<String> lines = Files.readAllLines(recording, StandardCharsets.UTF_8);
        List<Body> bodies = new ArrayList<>();
        int exchanges = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            exchanges++;
            JsonNode exchange = Json.readTree(lines.get(i));
            String method = exchange.path("method").asText();
            String path = exchange.path("path").asText();
            int status = exchange.path("status").asInt();
            String request = exchange.path(requestField).asText("");
            String response = exchange.path("response").asText("");
            if (!request.isEmpty()) {
                bodies.add(new Body(file, i + 1, true, method, path, status, request));
            }
            if (!response.isEmpty()) {
                bodies.add(new Body(file, i + 1, false, method, path, status, response));
            }
        }
        assertThat(exchanges).as("exchanges in %s", recording).isGreaterThan(0);
        return bodies;
    }

}
