package io.flotta.examples.conformance;

import static io.flotta.examples.conformance.Recording.DEVICE_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.DeviceWorkloadStatus;
import io.flotta.core.pki.Pem;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.conformance.DeviceHttp.Answer;
import io.flotta.examples.conformance.Recording.Exchange;
import io.flotta.spi.transport.Route;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real upstream agent's requests, replayed in order over HTTPS with client certificates against
 * our real control plane (embedded store and CA, engine, HTTP transport on a free port): every
 * answer must be the one the real upstream operator gave.
 *
 * <p>Certificates: requests recorded with CN {@code register} present the registration certificate
 * of a bootstrap bundle our control plane wrote; requests recorded with the device id's CN present
 * a device certificate our CA signed. The recorded registration is sent exactly as recorded (its
 * CSR is the upstream agent's own) and our CA must sign it. We do not hold that agent's private key,
 * so right after it our stand-in agent registers a key of its own the same way (one extra
 * registration with the registration certificate, which the control plane records like any other)
 * and presents that certificate wherever the agent presented its device certificate.
 */
class UpstreamConformanceIT {

    private static final String WORKLOAD = "httpd";

    /**
     * Where our device configuration is knowingly shaped unlike upstream's, and why. Any other
     * difference fails the replay, and so does an entry here that the replay no longer needs.
     */
    private static final Map<String, String> DELIBERATE_SHAPE = Map.of(
            "$.content.configuration.metrics: missing",
            "upstream sends its receiver defaults without a URL, which its agent treats as 'no remote write' "
                    + "and 'default system metrics'; an absent metrics object means exactly that to the agent",
            "$.content.configuration.mounts: missing",
            "upstream writes an empty list; we have no mounts to send and the agent reads an absent list as empty",
            "$.content.configuration.heartbeat.hardware_profile.include: added",
            "we ask for hardware in heartbeats (upstream's {} asks for none): DESIGN.md keeps hardware_profile "
                    + "non-null and the control plane keeps the device's hardware current",
            "$.content.configuration.heartbeat.hardware_profile.scope: added",
            "with include, only changes (delta), so heartbeats stay small");

    @TempDir
    Path dir;

    @Test
    void upstreamOperatorSessionGetsTheOperatorsAnswers() {
        List<Exchange> exchanges = Recording.load(Recording.OPERATOR_SESSION);
        assertThat(exchanges).hasSize(143);
        List<String> adminActions = new ArrayList<>();
        Set<String> deliberateSeen = new TreeSet<>();
        int shapesCompared = 0;
        int disconnects = 0;

        try (EmbeddedControlPlane server = start()) {
            Session session = new Session(server, dir.resolve("bundle"));
            for (Exchange e : exchanges) {
                adminActionsBefore(e, server, adminActions);

                Answer answer = session.replay(e);

                // every status is upstream's: none of the stricter rules of DESIGN.md applies to this agent
                assertThat(answer.status()).as("%s: status; answer %s", e, answer).isEqualTo(e.status());
                // the gateway dispatches any body it gets, so empty must stay empty
                if (e.response().isEmpty()) {
                    assertThat(answer.body()).as("%s: body", e).isEmpty();
                } else {
                    compareShape(e, answer, deliberateSeen);
                    shapesCompared++;
                    if (e.route() == Route.CONTROL_IN) {
                        assertThat(answer.json().path("content").path("command").asText()).as("%s", e)
                                .isEqualTo("disconnect");
                        disconnects++;
                    }
                }
                assertThat(answer.contentType()).as("%s: Content-Type", e)
                        .isEqualTo(Optional.ofNullable(e.responseHeaders().get("Content-Type")));
                session.afterAnswer(e, answer);
            }

            // the recording drove these, each right before the first request whose recorded answer needs it
            assertThat(adminActions).containsExactly(
                    "deploy httpd before line 15",
                    "undeploy httpd before line 135",
                    "delete device before line 142");
            assertThat(deliberateSeen).as("deliberate shape differences met")
                    .containsExactlyInAnyOrderElementsOf(DELIBERATE_SHAPE.keySet());
            // 60 configurations, 1 registration, 1 disconnect
            assertThat(shapesCompared).isEqualTo(62);
            assertThat(disconnects).as("disconnect on control/in once the device was deleted").isEqualTo(1);
            assertThat(server.controlPlane().device(Devices.NAMESPACE, DEVICE_ID)).as("deleted device").isEmpty();
        }
    }

    /**
     * The second session (real agent, stand-in server) must get what the real operator answers.
     * Where the stand-in differed, the statuses are the operator's (see {@link #operatorStatus}).
     */
    @Test
    void deviceWorkerSessionGetsWhatTheOperatorAnswers() {
        List<Exchange> exchanges = Recording.load(Recording.WORKER_SESSION);
        assertThat(exchanges).hasSize(53);
        int corrected = 0;

        try (EmbeddedControlPlane server = start()) {
            Session session = new Session(server, dir.resolve("bundle"));
            boolean enrolled = false;
            for (Exchange e : exchanges) {
                int expected = operatorStatus(e, enrolled);
                if (expected != e.status()) {
                    corrected++;
                }
                enrolled |= e.directive().equals("enrolment");

                Answer answer = session.replay(e);

                assertThat(answer.status()).as("%s: status; answer %s", e, answer).isEqualTo(expected);
                if (expected != 200 || e.route() == Route.CONTROL_OUT || e.directive().equals("heartbeat")
                        || e.directive().equals("enrolment")) {
                    assertThat(answer.body()).as("%s: body", e).isEmpty();
                }
                if (expected == 200 && e.route() == Route.CONTROL_IN) {
                    // the device exists: no command
                    assertThat(answer.body()).as("%s: body", e).isEmpty();
                }
                if (expected == 200 && e.route() == Route.DATA_IN) {
                    // the stand-in's answers were cut in the recording; check ours against the schema instead
                    JsonNode message = answer.json();
                    assertThat(message.path("directive").asText()).isEqualTo("device");
                    assertThat(message.path("content").path("device_id").asText()).isEqualTo(DEVICE_ID);
                    assertThat(message.path("content").path("configuration").path("heartbeat")
                            .path("hardware_profile").isObject()).as("hardware_profile never null").isTrue();
                }
                session.afterAnswer(e, answer);
            }
            // lines 1-4 (401, not 403 or 200) and the first enrolment of a fresh device (200, not 208)
            assertThat(corrected).isEqualTo(5);

            DeviceView device = server.controlPlane().device(Devices.NAMESPACE, DEVICE_ID).orElseThrow();
            // the agent asked for deltas: later heartbeats carry only what changed (nulls elsewhere)
            // and must not erase what the first one reported
            assertThat(device.status().hardware().path("hostname").asText()).isEqualTo("vm");
            assertThat(device.status().hardware().path("cpu").path("model_name").asText()).isEqualTo("AMD EPYC");
            assertThat(device.status().agentStatus()).isEqualTo("up");
            assertThat(device.labels()).containsEntry("device.hostname", "vm");
        }
    }

    /**
     * What the real upstream operator answers to a request of the stand-in session: the stand-in's
     * status, except
     * <ul>
     *   <li>the registration certificate on {@code data/in}, {@code control/in} and
     *       {@code control/out}: 401 (the stand-in said 403 or 200; the operator session's lines 1-4
     *       and 6-9 show 401, and the recordings' README says so);</li>
     *   <li>the first enrolment of a fresh device: 200, the enrolment request is created (the
     *       stand-in had the device approved beforehand and said 208; the operator session's line
     *       5 shows 200, then 208 on line 10).</li>
     * </ul>
     */
    private static int operatorStatus(Exchange e, boolean enrolledBefore) {
        if (e.withRegistrationCertificate() && e.route() != Route.DATA_OUT) {
            return 401;
        }
        if (e.withRegistrationCertificate() && e.directive().equals("enrolment") && !enrolledBefore) {
            return 200;
        }
        return e.status();
    }

    // ------------------------------------------------------------------ admin actions

    /**
     * The admin actions the recorded operator saw, read off the recorded answers: the workload
     * appears in {@code data/in} (an EdgeWorkload was created: we apply an equivalent deployment),
     * disappears from it (deleted: we delete ours), then {@code data/in} answers 404 (the EdgeDevice
     * was deleted: we delete the device). Each is done right before the first request whose
     * recorded answer shows it, and waited for, so that the answer to that request must reflect it.
     */
    private static void adminActionsBefore(Exchange e, EmbeddedControlPlane server, List<String> done) {
        if (e.route() != Route.DATA_IN) {
            return;
        }
        boolean deployed = done.stream().filter(a -> a.contains(WORKLOAD)).reduce((a, b) -> b)
                .map(a -> a.startsWith("deploy")).orElse(false);
        boolean deviceDeleted = done.stream().anyMatch(a -> a.startsWith("delete device"));
        if (e.status() == 404 && !deviceDeleted) {
            assertThat(server.controlPlane().deleteDevice(Devices.NAMESPACE, DEVICE_ID)).isTrue();
            done.add("delete device before line " + e.line());
            return;
        }
        if (e.status() != 200) {
            return;
        }
        JsonNode recordedWorkloads = e.responseJson().path("content").path("workloads");
        Set<String> recorded = new TreeSet<>();
        recordedWorkloads.forEach(w -> recorded.add(w.path("name").asText()));
        assertThat(recorded).as("%s: workloads in the recording", e).isSubsetOf(WORKLOAD);
        if (recorded.contains(WORKLOAD) && !deployed) {
            String specification = recordedWorkloads.get(0).path("specification").asText();
            server.controlPlane().applyDeployment(Devices.NAMESPACE, WORKLOAD, httpdDeployment(specification));
            awaitPlacement(server, names -> names.contains(WORKLOAD));
            done.add("deploy httpd before line " + e.line());
        } else if (!recorded.contains(WORKLOAD) && deployed) {
            // the heartbeats before were recorded, not just accepted
            assertThat(server.controlPlane().device(Devices.NAMESPACE, DEVICE_ID).orElseThrow().status().workloads())
                    .extracting(DeviceWorkloadStatus::name, DeviceWorkloadStatus::phase)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(WORKLOAD, "Running"));
            assertThat(server.controlPlane().deleteDeployment(Devices.NAMESPACE, WORKLOAD)).isTrue();
            awaitPlacement(server, names -> !names.contains(WORKLOAD));
            done.add("undeploy httpd before line " + e.line());
        }
    }

    /**
     * The recorded EdgeWorkload as our deployment: the same pod for this one device. The recording
     * holds the pod as the YAML the operator generated; the values it must carry are checked
     * against it (we have no YAML parser, and need none: JSON is what we send, and JSON is YAML).
     */
    private static DeploymentSpec httpdDeployment(String recordedSpecification) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode container = f.objectNode();
        container.put("name", "httpd");
        container.put("image", "localhost/flotta-busybox:latest");
        container.put("imagePullPolicy", "IfNotPresent");
        container.putArray("command").add("httpd").add("-f").add("-p").add("8080");
        container.putArray("ports").addObject().put("containerPort", 8080).put("hostPort", 8080).put("protocol", "TCP");
        container.putObject("resources");
        ObjectNode pod = f.objectNode();
        pod.putObject("spec").putArray("containers").add(container);
        for (String line : List.of("- command:", "  - httpd", "  - -f", "  - -p", "  - \"8080\"",
                "  image: localhost/flotta-busybox:latest", "  imagePullPolicy: IfNotPresent", "  name: httpd",
                "  - containerPort: 8080", "    hostPort: 8080", "    protocol: TCP", "  resources: {}")) {
            assertThat(recordedSpecification).as("the recorded pod").contains(line + "\n");
        }
        return new DeploymentSpec(DEVICE_ID, null, "pod", pod, null, null, null, null, null);
    }

    private static void awaitPlacement(EmbeddedControlPlane server, Predicate<Set<String>> placed) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        Set<String> names = Set.of();
        while (Instant.now().isBefore(deadline)) {
            names = new TreeSet<>(server.controlPlane().device(Devices.NAMESPACE, DEVICE_ID).orElseThrow()
                    .status().workloads().stream().map(DeviceWorkloadStatus::name).toList());
            if (placed.test(names)) {
                return;
            }
            sleep(20);
        }
        throw new AssertionError("placement did not follow the deployment within 30 s; device lists " + names);
    }

    // ------------------------------------------------------------------ answers

    /**
     * Same keys, array sizes and node types as the recorded answer (values differ: ids, times,
     * versions, certificates), except where {@link #DELIBERATE_SHAPE} says why; the same
     * {@code type}, {@code directive} and command; a registration answer names the request's
     * {@code message_id}, as upstream's does.
     */
    private static void compareShape(Exchange e, Answer answer, Set<String> deliberateSeen) {
        JsonNode recorded = e.responseJson();
        JsonNode ours = answer.json();
        List<String> unexpected = new ArrayList<>();
        for (String difference : JsonShape.differences(recorded, ours)) {
            if (e.route() == Route.DATA_IN && DELIBERATE_SHAPE.containsKey(difference)) {
                deliberateSeen.add(difference);
            } else {
                unexpected.add(difference);
            }
        }
        assertThat(unexpected).as("%s: shape of %s against the recorded %s", e, answer.text(), e.response()).isEmpty();
        assertThat(ours.path("type").asText()).as("%s: type", e).isEqualTo(recorded.path("type").asText());
        assertThat(ours.path("directive").asText()).as("%s: directive", e).isEqualTo(recorded.path("directive").asText());
        assertThat(ours.path("content").path("command").asText()).as("%s: command", e)
                .isEqualTo(recorded.path("content").path("command").asText());
        String requestId = e.request().isEmpty() ? null : e.requestJson().path("message_id").asText();
        if (requestId != null && requestId.equals(recorded.path("message_id").asText())) {
            assertThat(ours.path("message_id").asText()).as("%s: message_id answers the request's", e).isEqualTo(requestId);
        }
        if (e.route() == Route.DATA_IN) {
            assertThat(ours.path("content").path("device_id").asText()).isEqualTo(DEVICE_ID);
            JsonNode workloads = ours.path("content").path("workloads");
            for (JsonNode w : workloads) {
                assertThat(w.path("namespace").asText()).isEqualTo(Devices.NAMESPACE);
                JsonNode spec = Recording.json(w.path("specification").asText(), e + ": our specification");
                assertThat(spec.path("containers").get(0).path("image").asText())
                        .isEqualTo("localhost/flotta-busybox:latest");
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    private EmbeddedControlPlane start() {
        // the recorded upstream operator ran without object storage: neither does this one
        return EmbeddedControlPlane.builder().dataDirectory(dir.resolve("control-plane")).port(0)
                .embeddedObjectStore(false).start();
    }

    /** Our control plane, and the clients standing in for the recorded agent. */
    private static final class Session {
        private final EmbeddedControlPlane server;
        private final BootstrapBundle bundle;
        private final DeviceHttp registration;
        private DeviceHttp device;

        Session(EmbeddedControlPlane server, Path bundleDirectory) {
            this.server = server;
            this.bundle = Devices.bundle(server, bundleDirectory);
            this.registration = Devices.client(server, bundle, bundle.registration());
        }

        Answer replay(Exchange e) {
            assertThat(e.deviceId()).isEqualTo(DEVICE_ID);
            DeviceHttp client = e.withRegistrationCertificate() ? registration : device;
            assertThat(client).as("%s: a device certificate is used before any registration", e).isNotNull();
            return client.send(e.method(), e.path(), e.requestHeaders(), e.request().getBytes(StandardCharsets.UTF_8));
        }

        /**
         * After a recorded registration: our CA must have signed the upstream agent's CSR as
         * DESIGN.md says; the first time, our stand-in registers its own key (see the class comment).
         */
        void afterAnswer(Exchange e, Answer answer) {
            if (!e.directive().equals("registration") || answer.status() != 200) {
                return;
            }
            String csr = e.requestJson().path("content").path("certificate_request").asText();
            X509Certificate issued = Devices.issuedCertificate(answer.json());
            Devices.checkDeviceCertificate(issued, DEVICE_ID, Pem.readCsr(csr).publicKey(), bundle.caCertificates());
            if (device == null) {
                device = Devices.client(server, bundle, Devices.register(registration, DEVICE_ID, bundle.caCertificates()));
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
