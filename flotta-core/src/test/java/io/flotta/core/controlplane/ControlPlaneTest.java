package io.flotta.core.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.DeviceSettings;
import io.flotta.core.model.DeviceStatus;
import io.flotta.core.model.LabelSelector;
import io.flotta.core.model.ModelJson;
import io.flotta.core.pki.CertificateChecks;
import io.flotta.core.pki.Keys;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.core.testkit.TestControlPlane.Device;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.store.Store;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneTest {

    @TempDir
    Path dir;

    TestControlPlane t;

    @BeforeEach
    void start() {
        t = new TestControlPlane(dir, ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(60)).build());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void enrolmentIsAcceptedThenAlreadyReported() {
        DeviceResponse first = t.post("dev-1", t.registration.chain(), "enrolment", TestControlPlane.enrolment());
        DeviceResponse second = t.post("dev-1", t.registration.chain(), "enrolment", TestControlPlane.enrolment());

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(208);
        assertThat(second.body()).isEmpty();
    }

    @Test
    void registrationSignsTheCsrWithTheSubjectSetByTheControlPlane() {
        Device device = t.pair("Dev-Upper");

        var subject = CertificateChecks.subject(device.chain().get(0)).orElseThrow();
        assertThat(subject.commonName()).isEqualTo("dev-upper");
        assertThat(subject.organization()).isEqualTo("flotta-operator");
        assertThat(subject.organizationalUnit()).isEqualTo("default");
        assertThat(t.controlPlane.device("default", "dev-upper")).isPresent();
        assertThat(t.controlPlane.device("default", "dev-upper").get().labels())
                .containsEntry("device.hostname", "test-host").containsEntry("device.cpu-architecture", "x86_64");
    }

    @Test
    void configurationHasHeartbeatSettingsAndANonNullHardwareProfile() {
        Device device = t.pair("dev-1");

        DeviceResponse r = t.call(Route.DATA_IN, "dev-1", device.chain(), null);

        assertThat(r.status()).isEqualTo(200);
        JsonNode message = TestControlPlane.json(r.body());
        assertThat(message.path("type").asText()).isEqualTo("data");
        assertThat(message.path("directive").asText()).isEqualTo("device");
        JsonNode content = message.path("content");
        assertThat(content.path("device_id").asText()).isEqualTo("dev-1");
        assertThat(content.path("configuration").path("heartbeat").path("period_seconds").asInt()).isEqualTo(60);
        assertThat(content.path("configuration").path("heartbeat").path("hardware_profile").isObject()).isTrue();
        assertThat(content.path("version").asText()).isEqualTo(r.etag()).isNotEmpty();
    }

    @Test
    void heartbeatUpdatesStatusAndLastSeenButNotTheConfigurationVersion() {
        Device device = t.pair("dev-1");
        String before = t.call(Route.DATA_IN, "dev-1", device.chain(), null).etag();

        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.put("status", "up");
        hb.put("version", before);
        hb.putArray("events").addObject().put("type", "warn").put("reason", "Failed").put("message", "boom");
        DeviceResponse r = t.post("dev-1", device.chain(), "heartbeat", hb);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        DeviceView view = t.controlPlane.device("default", "dev-1").orElseThrow();
        assertThat(view.lastSeen()).isNotNull();
        assertThat(view.status().agentStatus()).isEqualTo("up");
        assertThat(view.status().events()).extracting(e -> e.message()).containsExactly("boom");
        assertThat(t.call(Route.DATA_IN, "dev-1", device.chain(), null).etag()).isEqualTo(before);
    }

    @Test
    void hardwareDeltaInAHeartbeatKeepsWhatItDoesNotMention() {
        Device device = t.pair("dev-1");
        // what the upstream agent sends with scope "delta" when only the hostname changed
        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.put("status", "up");
        ObjectNode delta = hb.putObject("hardware");
        delta.put("hostname", "renamed");
        delta.putNull("disks");
        delta.putNull("interfaces");

        assertThat(t.post("dev-1", device.chain(), "heartbeat", hb).status()).isEqualTo(200);

        JsonNode hardware = t.controlPlane.device("default", "dev-1").orElseThrow().status().hardware();
        assertThat(hardware.path("hostname").asText()).isEqualTo("renamed");
        assertThat(hardware.path("cpu").path("architecture").asText()).isEqualTo("x86_64");
        assertThat(hardware.path("cpu").path("model_name").asText()).isEqualTo("Test CPU");
    }

    @Test
    void badInputGetsTheRightStatusAndEmptyBodies() {
        Device device = t.pair("dev-1");

        assertThat(t.call(Route.DATA_OUT, "dev-1", device.chain(), "{not json".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(400);
        assertThat(t.post("dev-1", device.chain(), "no-such-directive", JsonNodeFactory.instance.objectNode()).status())
                .isEqualTo(400);
        // another device's id in the path
        assertThat(t.call(Route.DATA_IN, "dev-2", device.chain(), null).status()).isEqualTo(403);
        // the registration certificate may only enrol and register
        assertThat(t.call(Route.DATA_IN, "dev-1", t.registration.chain(), null).status()).isEqualTo(401);
        assertThat(t.call(Route.CONTROL_IN, "dev-1", t.registration.chain(), null).status()).isEqualTo(401);
        assertThat(t.post("dev-1", t.registration.chain(), "heartbeat", JsonNodeFactory.instance.objectNode()).status())
                .isEqualTo(401);
        // no certificate at all
        assertThat(t.call(Route.DATA_IN, "dev-1", List.of(), null).status()).isEqualTo(401);
        // a device that was never registered
        Device stranger = new Device("dev-9", device.keys(), List.of(t.ca.issueClient(
                CertificateSubject.device("dev-9", "default"), Duration.ofHours(1)).certificate()));
        assertThat(t.call(Route.DATA_IN, "dev-9", stranger.chain(), null).status()).isEqualTo(404);
        // the ansible directive without playbooks, as upstream answers it
        assertThat(t.post("dev-1", device.chain(), "ansible", null).status()).isEqualTo(500);
    }

    @Test
    void certificateFromAnotherCaIsRefusedEvenWithOurCaInTheChain() {
        t.pair("dev-1");
        CertificateAuthority other = io.flotta.core.providers.ProviderRegistry
                .discover(io.flotta.spi.ca.CertificateAuthorityProvider.class).select("embedded")
                .create(ProviderConfig.of(dir.resolve("other-ca")));
        IssuedCredential forged = other.issueClient(CertificateSubject.device("dev-1", "default"), Duration.ofHours(1));

        // upstream trusted a chain if any certificate in it was ours; we trust only a verified leaf
        List<java.security.cert.X509Certificate> chain = List.of(forged.certificate(), t.ca.trustAnchors().get(0));
        assertThat(t.call(Route.DATA_IN, "dev-1", chain, null).status()).isEqualTo(401);
        other.close();
    }

    @Test
    void badCsrIsRefusedWith400() {
        t.post("dev-1", t.registration.chain(), "enrolment", TestControlPlane.enrolment());
        ObjectNode content = TestControlPlane.registrationContent(Keys.generateEcP256(), "dev-1");
        String csr = content.path("certificate_request").asText();
        // flip a character inside the base64 body: the signature no longer verifies (or it no longer parses)
        int i = csr.indexOf('\n') + 40;
        content.put("certificate_request", csr.substring(0, i) + (csr.charAt(i) == 'A' ? 'B' : 'A') + csr.substring(i + 1));

        assertThat(t.post("dev-1", t.registration.chain(), "registration", content).status()).isEqualTo(400);
        content.put("certificate_request", "");
        assertThat(t.post("dev-1", t.registration.chain(), "registration", content).status()).isEqualTo(400);
    }

    @Test
    void manualApprovalHoldsRegistrationUntilApproved() {
        t.close();
        t = new TestControlPlane(dir.resolve("manual"), ControlPlaneOptions.builder().autoApprove(false).build());
        assertThat(t.post("dev-1", t.registration.chain(), "enrolment", TestControlPlane.enrolment()).status()).isEqualTo(200);
        assertThat(t.post("dev-1", t.registration.chain(), "enrolment", TestControlPlane.enrolment()).status()).isEqualTo(200);
        KeyPair keys = Keys.generateEcP256();
        assertThat(t.post("dev-1", t.registration.chain(), "registration",
                TestControlPlane.registrationContent(keys, "dev-1")).status()).isEqualTo(404);

        assertThat(t.controlPlane.enrolmentRequests()).extracting(EnrolmentView::approved).containsExactly(false);
        assertThat(t.controlPlane.approve("dev-1")).isTrue();

        assertThat(t.post("dev-1", t.registration.chain(), "enrolment", TestControlPlane.enrolment()).status()).isEqualTo(208);
        assertThat(t.post("dev-1", t.registration.chain(), "registration",
                TestControlPlane.registrationContent(keys, "dev-1")).status()).isEqualTo(200);
    }

    @Test
    void renewalWithTheDeviceCertificateIsAcceptedAndTheReservedIdIsRefused() {
        Device device = t.pair("dev-1");
        DeviceResponse renewed = t.post("dev-1", device.chain(), "registration",
                TestControlPlane.registrationContent(device.keys(), "dev-1"));
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(TestControlPlane.certificate(renewed).getSerialNumber())
                .isNotEqualTo(device.chain().get(0).getSerialNumber());

        assertThat(t.post("register", t.registration.chain(), "enrolment", TestControlPlane.enrolment()).status())
                .isEqualTo(400);
    }

    @Test
    void expiredDeviceCertificateMayOnlyRenew() throws Exception {
        t.close();
        t = new TestControlPlane(dir.resolve("short"), ControlPlaneOptions.builder()
                .deviceCertificateValidity(Duration.ofSeconds(1)).build());
        Device device = t.pair("dev-1");
        Thread.sleep(1500);

        assertThat(t.post("dev-1", device.chain(), "heartbeat", JsonNodeFactory.instance.objectNode()).status())
                .isEqualTo(401);
        assertThat(t.call(Route.DATA_IN, "dev-1", device.chain(), null).status()).isEqualTo(401);
        DeviceResponse renewed = t.post("dev-1", device.chain(), "registration",
                TestControlPlane.registrationContent(device.keys(), "dev-1"));
        // (the renewed certificate is as short-lived; its use is covered over TLS by BadInputIT)
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(TestControlPlane.certificate(renewed).getSerialNumber())
                .isNotEqualTo(device.chain().get(0).getSerialNumber());
    }

    @Test
    void deletedDeviceIsToldToDisconnectAndItsCertificateStopsWorking() {
        Device device = t.pair("dev-1");
        assertThat(t.call(Route.CONTROL_IN, "dev-1", device.chain(), null).status()).isEqualTo(200);
        assertThat(t.call(Route.CONTROL_IN, "dev-1", device.chain(), null).body()).isEmpty();

        assertThat(t.controlPlane.deleteDevice("default", "dev-1")).isTrue();

        DeviceResponse control = t.call(Route.CONTROL_IN, "dev-1", device.chain(), null);
        assertThat(control.status()).isEqualTo(200);
        JsonNode message = TestControlPlane.json(control.body());
        assertThat(message.path("type").asText()).isEqualTo("command");
        assertThat(message.path("content").path("command").asText()).isEqualTo("disconnect");
        assertThat(t.call(Route.DATA_IN, "dev-1", device.chain(), null).status()).isEqualTo(404);
        assertThat(t.post("dev-1", device.chain(), "registration",
                TestControlPlane.registrationContent(device.keys(), "dev-1")).status()).isEqualTo(404);
        assertThat(t.controlPlane.enrolmentRequests()).isEmpty();

        // the same id may pair again; the old certificate stays revoked, the new one works
        Device again = t.pair("dev-1");
        assertThat(t.call(Route.CONTROL_IN, "dev-1", again.chain(), null).body()).isEmpty();
        assertThat(TestControlPlane.json(t.call(Route.CONTROL_IN, "dev-1", device.chain(), null).body())
                .path("content").path("command").asText()).isEqualTo("disconnect");
    }

    @Test
    void aDeviceEnrollingAgainWhileItsDeletionIsFinishedKeepsItsNewRequest() throws Exception {
        // the leader finishes a deletion made by another writer: it reads the old enrolment request,
        // then deletes it; the device enrols again just between the two
        Store embedded = t.store;
        CompletableFuture<Void> cleanupDone = new CompletableFuture<>();
        boolean[] reEnrolled = new boolean[1];
        Store racing = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                    boolean enrolmentDeletion = method.getName().equals("delete")
                            && (args[0] instanceof ResourceKey k ? k.kind() : ((Resource) args[0]).kind()) == Kind.ENROLMENT;
                    if (enrolmentDeletion && !reEnrolled[0]) {
                        reEnrolled[0] = true;
                        embedded.delete(new ResourceKey(Kind.ENROLMENT, "default", "dev-1"));
                        assertThat(t.post("dev-1", t.registration.chain(), "enrolment", TestControlPlane.enrolment())
                                .status()).isEqualTo(200);
                    }
                    try {
                        return method.invoke(embedded, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (enrolmentDeletion) {
                            cleanupDone.complete(null);
                        }
                    }
                });
        t.controlPlane.close();
        t = new TestControlPlane(racing, t.ca, ControlPlaneOptions.builder().build(), Clock.systemUTC());
        t.pair("dev-1");

        embedded.delete(ControlPlane.deviceKey("default", "dev-1"));
        cleanupDone.get(10, TimeUnit.SECONDS);

        assertThat(reEnrolled[0]).isTrue();
        assertThat(t.controlPlane.enrolmentRequests()).extracting(EnrolmentView::deviceId).containsExactly("dev-1");
        Device again = t.pair("dev-1");
        assertThat(t.call(Route.CONTROL_IN, "dev-1", again.chain(), null).body()).isEmpty();
    }

    @Test
    void deploymentsArePlacedBySelectorWithMatchExpressionsAndFollowLabelChanges() throws Exception {
        Device a = t.pair("dev-a");
        Device b = t.pair("dev-b");
        t.controlPlane.setDeviceLabels("default", "dev-a", Map.of("zone", "north", "tier", "edge"));
        t.controlPlane.setDeviceLabels("default", "dev-b", Map.of("zone", "south", "tier", "edge"));

        LabelSelector selector = new LabelSelector(Map.of("tier", "edge"), List.of(
                new LabelSelector.Requirement("zone", "In", List.of("north", "east")),
                new LabelSelector.Requirement("zone", "NotIn", List.of("south")),
                new LabelSelector.Requirement("gpu", "DoesNotExist", List.of())));
        t.controlPlane.applyDeployment("default", "web", spec(selector, "v1"));

        awaitWorkloads("dev-a", List.of("web"));
        awaitWorkloads("dev-b", List.of());
        assertThat(workloadNames(a)).containsExactly("web");
        assertThat(workloadNames(b)).isEmpty();
        assertThat(t.controlPlane.device("default", "dev-a").get().status().workloads().get(0).phase())
                .isEqualTo("Deploying");

        t.controlPlane.setDeviceLabels("default", "dev-a", Map.of("zone", "south", "tier", "edge"));
        awaitWorkloads("dev-a", List.of());
        assertThat(workloadNames(a)).isEmpty();

        t.controlPlane.setDeviceLabels("default", "dev-b", Map.of("zone", "east", "tier", "edge"));
        awaitWorkloads("dev-b", List.of("web"));
        assertThat(workloadNames(b)).containsExactly("web");
    }

    @Test
    void invalidDeploymentIsRefusedNamingTheField() {
        DeploymentSpec bad = new DeploymentSpec(null, new LabelSelector(Map.of(), List.of(
                new LabelSelector.Requirement("zone", "Near", List.of("x")))), "pod", pod("v1"), null, null, null, null, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.controlPlane.applyDeployment("default", "x", bad))
                .hasMessageContaining("deviceSelector.matchExpressions[0].operator");
        ObjectNode podWithoutImage = JsonNodeFactory.instance.objectNode();
        podWithoutImage.putObject("spec").putArray("containers").addObject().put("name", "c");
        DeploymentSpec noImage = new DeploymentSpec("dev-1", null, "pod", podWithoutImage, null, null, null, null, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.controlPlane.applyDeployment("default", "x", noImage))
                .hasMessageContaining("containers[0].image");
    }

    @Test
    void longPollReturnsAsSoonAsTheConfigurationChanges() throws Exception {
        Device device = t.pair("dev-1");
        String version = t.call(Route.DATA_IN, "dev-1", device.chain(), null).etag();

        CompletableFuture<DeviceResponse> poll = t.controlPlane.deviceApi().handle(new DeviceRequest(Route.DATA_IN,
                "dev-1", device.chain(), null, version, Duration.ofSeconds(30))).toCompletableFuture();
        Thread.sleep(200);
        assertThat(poll).isNotDone();

        t.controlPlane.applyDeployment("default", "web", new DeploymentSpec("dev-1", null, "pod", pod("v1"),
                null, null, null, null, null));

        DeviceResponse r = poll.get(5, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.etag()).isNotEqualTo(version);
        assertThat(TestControlPlane.json(r.body()).path("content").path("workloads").get(0).path("name").asText())
                .isEqualTo("web");

        // unchanged: a short long poll ends with 304
        DeviceResponse unchanged = t.controlPlane.deviceApi().handle(new DeviceRequest(Route.DATA_IN, "dev-1",
                device.chain(), null, r.etag(), Duration.ofMillis(200))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(unchanged.status()).isEqualTo(304);
    }

    @Test
    void heartbeatsReportWorkloadPhasesAndDeploymentsAggregateThem() throws Exception {
        Device device = t.pair("dev-1");
        t.controlPlane.applyDeployment("default", "web", new DeploymentSpec("dev-1", null, "pod", pod("v1"),
                null, null, null, null, null));
        awaitWorkloads("dev-1", List.of("web"));

        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.putArray("workloads").addObject().put("name", "web").put("status", "Running");
        t.post("dev-1", device.chain(), "heartbeat", hb);

        assertThat(t.controlPlane.device("default", "dev-1").get().status().workloads().get(0).phase()).isEqualTo("Running");
        assertThat(t.controlPlane.deployments()).singleElement()
                .satisfies(d -> assertThat(d.phases()).containsEntry("Running", 1));
    }

    @Test
    void fleetCountsFollowStatusChangesAndDeletions() throws Exception {
        Device a = t.pair("dev-a");
        t.pair("dev-b");
        t.controlPlane.applyDeployment("default", "web", new DeploymentSpec("dev-a", null, "pod", pod("v1"),
                null, null, null, null, null));
        awaitWorkloads("dev-a", List.of("web"));
        ControlPlane.FleetCounts before = t.controlPlane.fleetCounts();
        assertThat(before.deployments()).isEqualTo(1);
        assertThat(before.devicesByState()).containsExactly(Map.entry("online", 2));
        assertThat(before.workloadsByPhase()).containsExactly(Map.entry("Deploying", 1));

        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.putArray("workloads").addObject().put("name", "web").put("status", "Running");
        t.post("dev-a", a.chain(), "heartbeat", hb);
        ControlPlane.FleetCounts after = t.controlPlane.fleetCounts();
        assertThat(after.devicesByState()).containsExactly(Map.entry("online", 2));
        assertThat(after.workloadsByPhase()).containsExactly(Map.entry("Running", 1));
        // unchanged statuses count the same on the next pass
        assertThat(t.controlPlane.fleetCounts()).isEqualTo(after);

        assertThat(t.controlPlane.deleteDevice("default", "dev-a")).isTrue();
        ControlPlane.FleetCounts deleted = t.controlPlane.fleetCounts();
        assertThat(deleted.devicesByState()).containsExactly(Map.entry("online", 1));
        assertThat(deleted.workloadsByPhase()).isEmpty();
    }

    @Test
    void configurationMessageIsExactlyWhatJacksonWritesForIt() throws Exception {
        Device device = t.pair("dev-1");
        t.controlPlane.applyDeployment("default", "web", new DeploymentSpec("dev-1", null, "pod", pod("v1"),
                Map.of("app", "web"), Map.of("podman/x", "y"), null, null, null));
        awaitWorkloads("dev-1", List.of("web"));

        DeviceResponse first = t.call(Route.DATA_IN, "dev-1", device.chain(), null);
        DeviceResponse second = t.call(Route.DATA_IN, "dev-1", device.chain(), null);

        String body = new String(first.body(), StandardCharsets.UTF_8);
        JsonNode message = TestControlPlane.json(first.body());
        assertThat(body).isEqualTo(ModelJson.mapper().writeValueAsString(message));
        assertThat(message.fieldNames()).toIterable()
                .containsExactly("content", "directive", "message_id", "sent", "type", "version");
        assertThat(message.path("type").asText()).isEqualTo("data");
        assertThat(message.path("directive").asText()).isEqualTo("device");
        assertThat(message.path("version").asInt()).isEqualTo(1);
        assertThat(message.path("content").path("version").asText()).isEqualTo(first.etag());
        assertThat(message.path("content").path("workloads").get(0).path("labels").path("app").asText())
                .isEqualTo("web");
        // the content is served from the cache, the envelope is new each time
        JsonNode again = TestControlPlane.json(second.body());
        assertThat(again.path("content")).isEqualTo(message.path("content"));
        assertThat(again.path("message_id").asText()).isNotEqualTo(message.path("message_id").asText());
    }

    @Test
    void aRepeatedHeartbeatIsAppliedAgainOnceTheStatusChangedMeanwhile() throws Exception {
        t.close();
        MutableClock clock = new MutableClock(java.time.Instant.now());
        t = new TestControlPlane(dir.resolve("clocked"), ControlPlaneOptions.builder()
                .heartbeatPeriod(Duration.ofSeconds(60)).build(), clock);
        Device device = t.pair("dev-1");
        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.put("status", "up");
        hb.putArray("workloads").addObject().put("name", "web").put("status", "Running");
        assertThat(t.post("dev-1", device.chain(), "heartbeat", hb).status()).isEqualTo(200);
        assertThat(t.controlPlane.device("default", "dev-1").orElseThrow().status().workloads()).isEmpty();

        // placement adds the workload as Deploying: the same heartbeat must now set it Running
        t.controlPlane.applyDeployment("default", "web", new DeploymentSpec("dev-1", null, "pod", pod("v1"),
                null, null, null, null, null));
        awaitWorkloads("dev-1", List.of("web"));
        assertThat(t.post("dev-1", device.chain(), "heartbeat", hb).status()).isEqualTo(200);
        assertThat(t.controlPlane.device("default", "dev-1").orElseThrow().status().workloads().get(0).phase())
                .isEqualTo("Running");

        // offline detection writes the state: the same heartbeat again must bring it back online
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        t.controlPlane.markOfflineDevices();
        assertThat(t.controlPlane.device("default", "dev-1").orElseThrow().status().state()).isEqualTo("offline");
        assertThat(t.post("dev-1", device.chain(), "heartbeat", hb).status()).isEqualTo(200);
        assertThat(t.controlPlane.device("default", "dev-1").orElseThrow().status().state()).isEqualTo("online");

        // and a repeat that changes nothing writes nothing
        String revision = t.store.get(ControlPlane.deviceKey("default", "dev-1")).orElseThrow().revision();
        assertThat(t.post("dev-1", device.chain(), "heartbeat", hb).status()).isEqualTo(200);
        assertThat(t.store.get(ControlPlane.deviceKey("default", "dev-1")).orElseThrow().revision()).isEqualTo(revision);
    }

    @Test
    void aRepeatedHeartbeatWithEventsAppendsThemEachTime() {
        Device device = t.pair("dev-1");
        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.put("status", "up");
        hb.putArray("events").addObject().put("type", "info").put("reason", "Started").put("message", "web");

        t.post("dev-1", device.chain(), "heartbeat", hb);
        t.post("dev-1", device.chain(), "heartbeat", hb);

        assertThat(t.controlPlane.device("default", "dev-1").orElseThrow().status().events()).hasSize(2);
    }

    private DeploymentSpec spec(LabelSelector selector, String value) {
        return new DeploymentSpec(null, selector, "pod", pod(value), null, null, null, null, null);
    }

    @Test
    void offlineDetectionCountsOnlyPeriodsSinceTheEngineStartedAndSinceRegistration() {
        SettableClock clock = new SettableClock(Instant.now());
        ControlPlaneOptions options = ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(60)).build();
        try (ControlPlane cp = ControlPlane.builder().store(t.store).certificateAuthority(t.ca).options(options)
                .clock(clock).build()) {
            createOnlineDevice("seen-before-restart", clock.instant().minus(Duration.ofHours(1)));
            t.store.recordLastSeen(ControlPlane.deviceKey("default", "seen-before-restart"),
                    clock.instant().minus(Duration.ofMinutes(10)));

            clock.advance(Duration.ofMinutes(2));
            cp.markOfflineDevices();
            assertThat(cp.device("default", "seen-before-restart").orElseThrow().online())
                    .as("within three periods of the engine's start").isTrue();

            clock.advance(Duration.ofMinutes(2));
            // registered a moment ago, its last-seen time not recorded yet
            createOnlineDevice("just-registered", clock.instant());
            createOnlineDevice("never-seen", clock.instant().minus(Duration.ofMinutes(30)));
            cp.markOfflineDevices();
            assertThat(cp.device("default", "seen-before-restart").orElseThrow().online()).isFalse();
            assertThat(cp.device("default", "never-seen").orElseThrow().online()).isFalse();
            assertThat(cp.device("default", "just-registered").orElseThrow().online()).isTrue();
        }
    }

    @Test
    void aDeviceSetsSettingsOverrideTheDevicesOwnInItsConfiguration() throws Exception {
        Device device = t.pair("dev-set");
        Resource r = t.store.get(ControlPlane.deviceKey("default", "dev-set")).orElseThrow();
        t.store.update(r.withSpec("{\"configuration\":{\"heartbeat\":{\"period_seconds\":30},"
                + "\"metrics\":{\"retention\":{\"max_hours\":2}}}}"));
        t.store.create(Resource.of(Kind.DEVICE_SET, "default", "fast")
                .withSpec("{\"configuration\":{\"heartbeat\":{\"period_seconds\":5}},\"requestStorage\":true}"));
        awaitHeartbeatPeriod(device, 30);

        t.controlPlane.setDeviceLabels("default", "dev-set", Map.of(DeviceSettings.MEMBER_OF_LABEL, "fast"));
        awaitHeartbeatPeriod(device, 5);
        JsonNode inSet = configuration(device);
        assertThat(inSet.at("/heartbeat/period_seconds").asInt()).isEqualTo(5);
        assertThat(inSet.at("/heartbeat/hardware_profile").isObject()).isTrue();
        assertThat(inSet.at("/metrics/retention/max_hours").asInt()).as("what the set does not set").isEqualTo(2);
        assertThat(t.controlPlane.deviceSettings("default", "dev-set").orElseThrow().storageRequested()).isTrue();

        String version = t.call(Route.DATA_IN, "dev-set", device.chain(), null).etag();
        Resource set = t.store.get(new io.flotta.spi.store.ResourceKey(Kind.DEVICE_SET, "default", "fast")).orElseThrow();
        t.store.update(set.withSpec("{\"configuration\":{\"heartbeat\":{\"period_seconds\":7}}}"));
        awaitHeartbeatPeriod(device, 7);
        assertThat(t.call(Route.DATA_IN, "dev-set", device.chain(), null).etag()).isNotEqualTo(version);

        t.controlPlane.setDeviceLabels("default", "dev-set", Map.of());
        awaitHeartbeatPeriod(device, 30);
    }

    /** Store events reach the engine asynchronously: wait for the configuration to follow. */
    private void awaitHeartbeatPeriod(Device device, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (configuration(device).at("/heartbeat/period_seconds").asInt() != seconds && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(configuration(device).at("/heartbeat/period_seconds").asInt()).isEqualTo(seconds);
    }

    @Test
    void aFollowerServesDevicesButPlacesDeploymentsOnlyOnceItLeads() throws Exception {
        try (io.flotta.spi.store.Store store = io.flotta.core.providers.ProviderRegistry
                .discover(io.flotta.spi.store.StoreProvider.class).select("embedded")
                .create(ProviderConfig.of(dir.resolve("follower-store")));
             ControlPlane follower = ControlPlane.builder().store(store).certificateAuthority(t.ca).leader(false).build()) {
            store.create(Resource.of(Kind.DEVICE, "default", "dev-f").withLabels(Map.of("tier", "edge")));
            follower.applyDeployment("default", "web", spec(LabelSelector.matching(Map.of("tier", "edge")), "v1"));
            Thread.sleep(300);
            assertThat(follower.device("default", "dev-f").orElseThrow().status().workloads()).isEmpty();
            assertThat(follower.isLeader()).isFalse();

            follower.setLeader(true);
            long deadline = System.currentTimeMillis() + 5000;
            while (follower.device("default", "dev-f").orElseThrow().status().workloads().isEmpty()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(follower.device("default", "dev-f").orElseThrow().status().workloads())
                    .extracting(w -> w.name() + "=" + w.phase()).containsExactly("web=Deploying");
        }
    }

    @Test
    void aControlPlaneThatKeepsOneNamespacePutsDevicesThereWhateverTheyAskFor() {
        t.close();
        t = new TestControlPlane(dir.resolve("one-namespace"), ControlPlaneOptions.builder().namespace("edge")
                .devicesChooseNamespace(false).build());
        t.pair("dev-ns");
        assertThat(t.controlPlane.device("edge", "dev-ns")).isPresent();
        assertThat(t.controlPlane.device("default", "dev-ns")).as("asked for default").isEmpty();
        assertThat(t.controlPlane.enrolmentRequests()).extracting(EnrolmentView::targetNamespace).containsExactly("edge");
    }

    private JsonNode configuration(Device d) {
        return TestControlPlane.json(t.call(Route.DATA_IN, d.id(), d.chain(), null).body()).path("content").path("configuration");
    }

    private void createOnlineDevice(String id, Instant registeredAt) {
        DeviceStatus status = DeviceStatus.empty().withRegistration(registeredAt, List.of(), null)
                .withState(DeviceStatus.ONLINE);
        t.store.create(Resource.of(Kind.DEVICE, "default", id).withStatus(ModelJson.write(status)));
    }

    private static ObjectNode pod(String value) {
        ObjectNode pod = JsonNodeFactory.instance.objectNode();
        ObjectNode c = pod.putObject("spec").putArray("containers").addObject();
        c.put("name", "web");
        c.put("image", "localhost/flotta/httpd:latest");
        c.putArray("env").addObject().put("name", "VALUE").put("value", value);
        return pod;
    }

    private List<String> workloadNames(Device d) {
        JsonNode content = TestControlPlane.json(t.call(Route.DATA_IN, d.id(), d.chain(), null).body()).path("content");
        return java.util.stream.StreamSupport.stream(content.path("workloads").spliterator(), false)
                .map(w -> w.path("name").asText()).toList();
    }

    private void awaitWorkloads(String deviceId, List<String> names) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        List<String> actual = null;
        while (System.currentTimeMillis() < deadline) {
            actual = t.controlPlane.device("default", deviceId).orElseThrow().status().workloads().stream()
                    .map(w -> w.name()).toList();
            if (actual.equals(names)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("device " + deviceId + " lists " + actual + ", expected " + names);
    }

    /** A clock the test moves by hand. */
    private static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("fixed to UTC");
        }
    }
}
