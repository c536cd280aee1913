package io.flotta.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flotta.core.agent.Agent;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.model.ModelJson;
import io.flotta.core.pki.Tls;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.LoggingRuntime;
import io.flotta.examples.admin.AdminCredentials;
import io.flotta.examples.metrics.AgentMetrics;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.TransportClientProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code flotta} admin commands, run in-process against a running embedded control plane with
 * its admin API, and an in-process agent (log runtime) that pairs with it over HTTPS. The tests run
 * in order: they follow one device from enrolment to deletion.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminCliIT {

    private static final String DEVICE = "cli-device-1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static EmbeddedControlPlane server;
    static Path adminDir;
    static WorkloadRuntime runtime;
    static Agent agent;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void start() {
        ControlPlaneOptions options = ControlPlaneOptions.builder().autoApprove(false)
                .heartbeatPeriod(Duration.ofSeconds(1)).build();
        server = EmbeddedControlPlane.builder().dataDirectory(dir.resolve("cp")).port(0).adminPort(0)
                .options(options).start();
        adminDir = dir.resolve("admin");
        server.writeAdminCredentials(adminDir);
        Path bundle = dir.resolve("bundle");
        server.writeBootstrapBundle(bundle);
        runtime = new LoggingRuntime.Provider().create(ProviderConfig.of(dir.resolve("runtime")));
        agent = Agent.builder().bootstrap(BootstrapBundle.read(bundle)).stateDirectory(dir.resolve("agent"))
                .deviceId(DEVICE).transport(ProviderRegistry.discover(TransportClientProvider.class).select("http"))
                .runtime(runtime).backoff(Duration.ofMillis(100), Duration.ofMillis(500)).build();
        agent.start();
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void aWaitingDeviceIsListedAsAnEnrolmentRequestAndApproved() {
        await("the enrolment request", () -> run("get", "enrolments").out().contains(DEVICE));
        Result pending = run("get", "enrolments");
        assertThat(pending.out()).contains("DEVICE", "Pending (flotta approve " + DEVICE + ")");
        assertThat(server.controlPlane().devices()).isEmpty();

        Result approved = run("approve", DEVICE);

        assertThat(approved.exitCode()).as(approved.toString()).isZero();
        assertThat(approved.out()).contains("device " + DEVICE + " approved");
        await("the device to register", () -> !server.controlPlane().devices().isEmpty());
        assertThat(run("get", "enrolments").out()).contains("Approved");
    }

    @Test
    @Order(2)
    void approvingAnUnknownDeviceSaysWhy() {
        Result r = run("approve", "nobody");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no enrolment request from device nobody");
    }

    @Test
    @Order(3)
    void applyThenGetDevicesShowsTheDeviceOnlineWithItsWorkloadRunning() throws Exception {
        Path manifest = dir.resolve("web.yaml");
        Files.writeString(manifest, String.join("\n",
                "apiVersion: management.project-flotta.io/v1alpha1",
                "kind: EdgeDeployment",
                "metadata:",
                "  name: web",
                "spec:",
                "  device: " + DEVICE,
                "  type: pod",
                "  pod:",
                "    spec:",
                "      containers:",
                "        - name: httpd",
                "          image: localhost/flotta/httpd:latest",
                ""));

        Result applied = run("apply", "-f", manifest.toString(), "--wait", "--timeout", "30");
        assertThat(applied.exitCode()).as(applied.toString()).isZero();
        assertThat(applied.out()).contains("deployment default/web created", "  web: Running=1",
                "deployment default/web is running");
        assertThat(run("apply", "-f", manifest.toString()).out()).contains("deployment default/web unchanged");

        await("the device online with web running",
                () -> run("get", "devices").out().matches("(?s).*" + DEVICE + "\\s+default\\s+Online\\s+\\d+s\\s+web\\(Running\\).*"));
        Result table = run("get", "devices");
        assertThat(table.out().lines().findFirst().orElseThrow()).containsSubsequence("NAME", "NAMESPACE", "STATUS",
                "LAST SEEN", "WORKLOADS");

        JsonNode json = ModelJson.mapper().readTree(run("get", "devices", "-o", "json").out());
        assertThat(json.isArray()).isTrue();
        assertThat(json.get(0).path("id").asText()).isEqualTo(DEVICE);
        assertThat(json.get(0).path("status").path("state").asText()).isEqualTo("online");
        assertThat(json.get(0).path("status").path("workloads").get(0).path("phase").asText()).isEqualTo("Running");

        assertThat(run("get", "device", DEVICE).out()).contains(DEVICE, "Online");
        Result unknown = run("get", "devices", "nobody");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no device nobody", "flotta get devices");

        JsonNode yaml = new YAMLMapper().readTree(run("get", "deployments", "-o", "yaml").out());
        assertThat(yaml.get(0).path("name").asText()).isEqualTo("web");
        assertThat(run("get", "deployments").out()).contains("web", "device=" + DEVICE, "Running=1");
    }

    @Test
    @Order(4)
    void applyRefusesABadDocumentNamingTheField() throws Exception {
        Path manifest = dir.resolve("bad.yaml");
        Files.writeString(manifest, "metadata:\n  name: bad\nspec:\n  device: x\n  pod:\n    spec:\n      containers: []\n");

        Result r = run("apply", "-f", manifest.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("spec.pod.spec.containers");
        assertThat(run("apply", "-f", dir.resolve("missing.yaml").toString()).err()).contains("no such file");
    }

    @Test
    @Order(5)
    void labelSetsAndRemovesLabels() {
        Result set = run("label", "device", DEVICE, "env=prod", "tier=edge");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(server.controlPlane().device("default", DEVICE).orElseThrow().labels())
                .containsEntry("env", "prod").containsEntry("tier", "edge");

        Result removed = run("label", "device", DEVICE, "tier-");

        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(server.controlPlane().device("default", DEVICE).orElseThrow().labels())
                .containsEntry("env", "prod").doesNotContainKey("tier");
        assertThat(run("label", "device", DEVICE, "oops").err()).contains("key=value");
    }

    @Test
    @Order(6)
    void metricsShowTheSeriesAndHeartbeatsMoveTheCounter() throws Exception {
        HttpClient anonymous = HttpClient.newBuilder().sslContext(trustOnly()).build();
        URI metrics = server.adminUrl().orElseThrow().resolve("/metrics");
        String first = anonymous.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();

        assertThat(first).contains("flotta_devices{state=\"online\"} 1.0", "flotta_devices{state=\"offline\"} 0.0",
                "flotta_deployments 1.0", "flotta_deployment_workloads{phase=\"Running\"} 1.0",
                "flotta_enrolments_pending 0.0", "flotta_device_api_requests_seconds_count{");
        assertThat(value(first, "flotta_registrations_total")).isGreaterThanOrEqualTo(1);
        assertThat(first).containsPattern("flotta_device_api_requests_seconds_count\\{directive=\"heartbeat\","
                + "route=\"data_out\",status=\"200\"}");
        double heartbeats = value(first, "flotta_heartbeats_total");
        assertThat(heartbeats).isGreaterThanOrEqualTo(1);

        await("more heartbeats", () -> {
            try {
                String later = anonymous.send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                return value(later, "flotta_heartbeats_total") >= heartbeats + 2;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    @Order(7)
    void theAdminApiRefusesDeviceAndRegistrationCertificatesAndTheDeviceApiRefusesAdminOnes() throws Exception {
        URI devices = server.adminUrl().orElseThrow().resolve("/api/v1/devices");
        IssuedCredential device = server.certificateAuthority().issueClient(
                CertificateSubject.device(DEVICE, "default"), Duration.ofHours(1));
        IssuedCredential registration = server.certificateAuthority().issueRegistration(Duration.ofHours(1));
        AdminCredentials admin = AdminCredentials.read(adminDir, null);

        assertThat(status(presenting(device), devices)).isEqualTo(403);
        assertThat(status(presenting(registration), devices)).isEqualTo(403);
        assertThat(status(HttpClient.newBuilder().sslContext(trustOnly()).build(), devices)).isEqualTo(401);
        assertThat(status(HttpClient.newBuilder().sslContext(Tls.clientContext(admin.identity(),
                admin.caCertificates())).build(), devices)).isEqualTo(200);

        HttpClient adminOnDevicePort = HttpClient.newBuilder().sslContext(Tls.clientContext(admin.identity(),
                admin.caCertificates())).build();
        for (String id : List.of("admin", DEVICE)) {
            URI data = server.deviceUrl().resolve("/api/flotta-management/v1/data/" + id + "/in");
            assertThat(status(adminOnDevicePort, data)).as("admin certificate on %s", data).isEqualTo(401);
        }
    }

    @Test
    @Order(8)
    void bootstrapBundleWritesABundleForTheDeviceApi() {
        Path bundle = dir.resolve("new-bundle");

        Result r = run("bootstrap-bundle", bundle.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("flotta agent --bundle " + bundle);
        BootstrapBundle read = BootstrapBundle.read(bundle);
        assertThat(read.server()).isEqualTo(server.deviceUrl());
        assertThat(server.certificateAuthority().issued(read.registration().leaf())).isTrue();
    }

    @Test
    @Order(9)
    void errorsSayWhatToDoNext() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Result unreachable = run("get", "devices", "--server", "https://127.0.0.1:" + closedPort);
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot reach https://127.0.0.1:" + closedPort,
                "is `flotta server` running?");

        CommandLineRun noCredential = new CommandLineRun();
        Result missing = noCredential.run("get", "devices", "--admin-dir", dir.resolve("nowhere").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no admin credential", "flotta server");

        assertThat(run("delete", "device", "ghost").err()).contains("no device ghost");
    }

    @Test
    @Order(10)
    void theAgentServesItsOwnMetrics() throws Exception {
        try (AgentMetrics metrics = new AgentMetrics(runtime).watch(agent)) {
            int port = metrics.serve("127.0.0.1", 0);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("flotta_agent_workloads{phase=\"Running\"} 1.0",
                    "flotta_agent_workloads{phase=\"Failed\"} 0.0", "flotta_agent_phase{phase=\"running\"} 1.0",
                    "flotta_agent_phase{phase=\"enrolling\"} 0.0", "flotta_agent_unauthorized_total 0.0");
            assertThat(value(answer.body(), "flotta_agent_heartbeats_total")).isEqualTo(agent.heartbeatsAccepted(),
                    org.assertj.core.data.Offset.offset(2.0)).isGreaterThan(0);
        }
    }

    @Test
    @Order(11)
    void deleteRemovesTheDeploymentThenTheDevice() {
        Result deployment = run("delete", "deployment", "web");
        assertThat(deployment.exitCode()).as(deployment.toString()).isZero();
        assertThat(server.controlPlane().deployments()).isEmpty();
        assertThat(run("delete", "deployment", "web").err()).contains("no deployment web");

        Result device = run("delete", "device", DEVICE);

        assertThat(device.exitCode()).as(device.toString()).isZero();
        assertThat(device.out()).contains("device default/" + DEVICE + " deleted");
        assertThat(server.controlPlane().devices()).isEmpty();
        assertThat(run("get", "devices").out()).contains("No devices yet");
    }

    // ------------------------------------------------------------------ helpers

    /** Runs the CLI in-process, pointed at the test's server and admin credential. */
    private static Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--admin-dir")) {
            all.addAll(List.of("--admin-dir", adminDir.toString()));
        }
        return new CommandLineRun().run(all.toArray(String[]::new));
    }

    static final class CommandLineRun {
        Result run(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cli = FlottaCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Result(code, out.toString(), err.toString());
        }
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(metrics);
        assertThat(m.find()).as("series %s in%n%s", series, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static HttpClient presenting(IssuedCredential credential) {
        return HttpClient.newBuilder().sslContext(Tls.clientContext(new ClientIdentity(credential.key(),
                credential.chain()), server.certificateAuthority().trustAnchors())).build();
    }

    private static int status(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static SSLContext trustOnly() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", server.certificateAuthority().trustAnchors().get(0));
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
