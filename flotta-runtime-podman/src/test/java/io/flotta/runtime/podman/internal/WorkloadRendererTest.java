package io.flotta.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flotta.spi.FlottaException;
import io.flotta.runtime.podman.TestWorkload;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadRendererTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path DIR = Path.of("/var/lib/flotta-test");
    private final WorkloadRenderer renderer = new WorkloadRenderer(DIR, Duration.ofSeconds(10), "owner-1");

    private static final String SPEC = String.join("\n",
            "initContainers:",
            "- name: init",
            "  image: localhost/flotta/busybox:latest",
            "containers:",
            "- name: web",
            "  image: localhost/flotta/httpd:latest",
            "  env:",
            "  - name: MESSAGE",
            "    value: one",
            "  - name: DEVICE_ID",
            "    value: spoofed",
            "  ports:",
            "  - containerPort: 8080",
            "    hostPort: 18080",
            "    hostIP: 127.0.0.1",
            "- name: side",
            "  image: localhost/flotta/busybox:latest",
            "  volumeMounts:",
            "  - name: mine",
            "    mountPath: /export",
            "  ports:",
            "  - containerPort: 53",
            "    hostPort: 5353",
            "    protocol: UDP",
            "volumes:",
            "- name: mine",
            "  emptyDir: {}",
            "");

    private static TestWorkload workload() {
        return new TestWorkload();
    }

    @Test
    void everyContainerGetsDeviceIdAndTheExportVolume() throws IOException {
        RenderedWorkload rendered = renderer.render(workload().spec(SPEC).build());
        JsonNode spec = pod(rendered).get("spec");

        for (JsonNode container : List.of(spec.at("/initContainers/0"), spec.at("/containers/0"), spec.at("/containers/1"))) {
            assertThat(envValues(container, "DEVICE_ID")).containsExactly("dev-1");
            assertThat(container.get("volumeMounts").findValuesAsText("mountPath")).containsOnlyOnce("/export");
            assertThat(mountAt(container, "/export").path("name").asText()).isEqualTo(WorkloadRenderer.EXPORT_VOLUME);
        }
        assertThat(envValues(spec.at("/containers/0"), "MESSAGE")).containsExactly("one");
        JsonNode export = volume(spec, WorkloadRenderer.EXPORT_VOLUME);
        assertThat(export.at("/hostPath/path").asText()).isEqualTo("/srv/data/web");
        assertThat(volume(spec, "mine").has("emptyDir")).isTrue();
        assertThat(rendered.dataDirectory()).isEqualTo(Path.of("/srv/data/web"));
    }

    @Test
    void dataDirectoryDefaultsToOneUnderTheRuntimeDirectory() {
        RenderedWorkload rendered = renderer.render(workload().spec(SPEC).dataDirectory(null).build());
        assertThat(rendered.dataDirectory()).isEqualTo(DIR.resolve("data").resolve("web"));
    }

    @Test
    void podCarriesOurLabelsAndPassesLabelsAndAnnotationsThrough() throws IOException {
        RenderedWorkload rendered = renderer.render(workload().spec(SPEC)
                .labels(Map.of("app", "web", "podman/tier", "edge", Labels.MANAGED, "false", Labels.OWNER, "forged"))
                .annotations(Map.of("podman/note", "kept", "owner", "ops"))
                .build());
        JsonNode metadata = pod(rendered).get("metadata");

        assertThat(metadata.get("name").asText()).isEqualTo("web");
        assertThat(metadata.at("/labels/app").asText()).isEqualTo("web");
        assertThat(metadata.at("/labels/podman~1tier").asText()).isEqualTo("edge");
        assertThat(metadata.at("/labels/io.flotta~1managed").asText()).isEqualTo("true");
        assertThat(metadata.at("/labels/io.flotta~1workload").asText()).isEqualTo("web");
        assertThat(metadata.at("/labels/io.flotta~1owner").asText()).isEqualTo("owner-1");
        assertThat(metadata.at("/labels/io.flotta~1hash").asText()).isEqualTo(rendered.hash()).hasSize(40);
        assertThat(metadata.at("/annotations/podman~1note").asText()).isEqualTo("kept");
        assertThat(metadata.at("/annotations/owner").asText()).isEqualTo("ops");
    }

    @Test
    void hashIsStableAndFollowsEveryInput() {
        String base = renderer.render(workload().spec(SPEC).build()).hash();

        assertThat(renderer.render(workload().spec(SPEC).build()).hash()).isEqualTo(base);
        assertThat(renderer.render(workload().spec(SPEC.replace("value: one", "value: two")).build()).hash()).isNotEqualTo(base);
        assertThat(renderer.render(workload().spec(SPEC).deviceId("dev-2").build()).hash()).isNotEqualTo(base);
        assertThat(renderer.render(workload().spec(SPEC).labels(Map.of("a", "b")).build()).hash()).isNotEqualTo(base);
        assertThat(renderer.render(workload().spec(SPEC).secrets(List.of(secret("s", "k", "v1"))).build()).hash())
                .isNotEqualTo(renderer.render(workload().spec(SPEC).secrets(List.of(secret("s", "k", "v2"))).build()).hash());
        assertThat(renderer.render(workload().spec(SPEC).registryAuth("{\"auths\":{}}").build()).hash()).isNotEqualTo(base);
        assertThat(renderer.render(workload().spec(SPEC).configMaps(List.of(configMap("c", "k", "v"))).build()).hash())
                .isNotEqualTo(base);
    }

    @Test
    void jsonSpecificationsAreAcceptedToo() throws IOException {
        String json = "{\"containers\":[{\"name\":\"c\",\"image\":\"localhost/flotta/busybox:latest\"}]}";
        JsonNode spec = pod(renderer.render(workload().spec(json).build())).get("spec");
        assertThat(envValues(spec.at("/containers/0"), "DEVICE_ID")).containsExactly("dev-1");
    }

    @Test
    void hostPortsAreCollected() {
        RenderedWorkload rendered = renderer.render(workload().spec(SPEC).build());
        assertThat(rendered.hostPorts()).containsExactly(
                new HostPort("udp", 5353, ""), new HostPort("tcp", 18080, "127.0.0.1"));
    }

    @Test
    void configMapsBecomeFurtherDocuments() throws IOException {
        String spec = SPEC.replace("    value: one", "    valueFrom:\n      configMapKeyRef:\n        name: settings\n        key: message");
        RenderedWorkload rendered = renderer.render(workload().spec(spec)
                .configMaps(List.of("{\"metadata\":{\"name\":\"settings\"},\"data\":{\"message\":\"hi\"}}"))
                .build());
        List<JsonNode> documents = documents(rendered);

        assertThat(documents).hasSize(2);
        assertThat(documents.get(1).get("kind").asText()).isEqualTo("ConfigMap");
        assertThat(documents.get(1).get("apiVersion").asText()).isEqualTo("v1");
        assertThat(documents.get(1).at("/data/message").asText()).isEqualTo("hi");
    }

    @Test
    void secretsBecomePodmanSecretsAndHostDirectories() throws IOException {
        String spec = String.join("\n",
                "containers:",
                "- name: app",
                "  image: localhost/flotta/busybox:latest",
                "  env:",
                "  - name: PASSWORD",
                "    valueFrom:",
                "      secretKeyRef: {name: db, key: password}",
                "  envFrom:",
                "  - secretRef: {name: db}",
                "  volumeMounts:",
                "  - name: creds",
                "    mountPath: /creds",
                "volumes:",
                "- name: creds",
                "  secret:",
                "    secretName: db",
                "    items:",
                "    - key: password",
                "      path: sub/pw",
                "");
        String secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: "
                + Base64.getEncoder().encodeToString("s3cr3t".getBytes(StandardCharsets.UTF_8))
                + "\nstringData:\n  user: admin\n";
        RenderedWorkload rendered = renderer.render(workload().name("app").spec(spec).secrets(List.of(secret)).build());
        JsonNode podSpec = pod(rendered).get("spec");

        assertThat(podSpec.at("/containers/0/env/0/valueFrom/secretKeyRef/name").asText()).isEqualTo("flotta_app_db");
        assertThat(podSpec.at("/containers/0/envFrom/0/secretRef/name").asText()).isEqualTo("flotta_app_db");
        JsonNode podmanSecret = YAML.readTree(rendered.podmanSecrets().get("flotta_app_db"));
        assertThat(new String(Base64.getDecoder().decode(podmanSecret.get("password").asText()), StandardCharsets.UTF_8))
                .isEqualTo("s3cr3t");
        assertThat(new String(Base64.getDecoder().decode(podmanSecret.get("user").asText()), StandardCharsets.UTF_8))
                .isEqualTo("admin");

        JsonNode creds = volume(podSpec, "creds");
        assertThat(creds.has("secret")).isFalse();
        Path directory = DIR.resolve("secrets").resolve("app").resolve("creds").toAbsolutePath();
        assertThat(creds.at("/hostPath/path").asText()).isEqualTo(directory.toString());
        assertThat(mountAt(podSpec.at("/containers/0"), "/creds").path("readOnly").asBoolean()).isTrue();
        assertThat(rendered.secretVolumes()).singleElement().satisfies(volume -> {
            assertThat(volume.directory()).isEqualTo(directory);
            assertThat(volume.files()).containsOnlyKeys("sub/pw");
            assertThat(new String(volume.files().get("sub/pw"), StandardCharsets.UTF_8)).isEqualTo("s3cr3t");
            assertThat(volume.mode()).isEqualTo(0644);
        });
    }

    @Test
    void missingReferencesAreRefusedNamingTheField() {
        String spec = "containers:\n- name: c\n  image: i\n  env:\n  - name: X\n    valueFrom:\n      secretKeyRef: {name: nope, key: k}\n";
        assertInvalid(workload().spec(spec), "specification.containers[0].env[0] refers to Secret 'nope'");

        String optional = spec.replace("key: k}", "key: k, optional: true}");
        assertThat(renderer.render(workload().spec(optional).build()).podmanSecrets()).isEmpty();

        String configMap = "containers:\n- name: c\n  image: i\n  envFrom:\n  - configMapRef: {name: cm}\n";
        assertInvalid(workload().spec(configMap), "specification.containers[0].envFrom[0] refers to ConfigMap 'cm'");

        String volume = "containers:\n- name: c\n  image: i\nvolumes:\n- name: v\n  secret: {secretName: gone}\n";
        assertInvalid(workload().spec(volume), "specification.volumes[0] refers to Secret 'gone'");
    }

    @Test
    void badInputIsInvalidArgument() {
        assertInvalid(workload().spec("containers: [\n  - name: x\n"),
                "specification is not valid YAML or JSON: while parsing a flow node; expected the node content, but found '-' (line 2, column 3)");
        assertInvalid(workload().spec("- just\n- a list\n"), "specification must be a pod spec");
        assertInvalid(workload().spec("containers: []\n"), "specification.containers must list at least one container");
        assertInvalid(workload().spec("containers:\n- name: c\n"), "specification.containers[0].image is missing");
        assertInvalid(workload().spec("containers:\n- name: c\n  image: i\n  ports:\n  - hostPort: 70000\n"),
                "specification.containers[0].ports[0].hostPort must be a port number");
        assertInvalid(workload().spec(SPEC).secrets(List.of("kind: Secret\nmetadata: {}\n")), "secrets[0].metadata.name is missing");
        assertInvalid(workload().spec(SPEC).secrets(List.of("kind: Secret\nmetadata: {name: s}\ndata: {k: '%%%'}\n")),
                "secrets[0].data.k is not base64");
        assertInvalid(workload().spec(SPEC).configMaps(List.of("kind: Secret\nmetadata: {name: s}\n")),
                "configMaps[0].kind must be ConfigMap");
        assertInvalid(workload().spec(SPEC).registryAuth("not json"), "registryAuth is not valid JSON");
        assertInvalid(workload().name("Bad_Name").spec(SPEC), "workload.name 'Bad_Name'");
    }

    @Test
    void terminationGracePeriodBecomesTheStopTimeout() throws IOException {
        RenderedWorkload rendered = renderer.render(workload().spec(SPEC + "terminationGracePeriodSeconds: 3\n").build());
        assertThat(rendered.stopTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(pod(rendered).at("/metadata/labels/io.flotta~1stop-timeout").asText()).isEqualTo("3");
        assertThat(renderer.render(workload().spec(SPEC).build()).stopTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void assertInvalid(TestWorkload builder, String message) {
        assertThatThrownBy(() -> renderer.render(builder.build()))
                .isInstanceOfSatisfying(FlottaException.class,
                        e -> assertThat(e.code()).isEqualTo(FlottaException.Code.INVALID_ARGUMENT))
                .hasMessageContaining(message);
    }

    private static List<JsonNode> documents(RenderedWorkload rendered) throws IOException {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(rendered.manifest())) {
            return it.readAll();
        }
    }

    private static JsonNode pod(RenderedWorkload rendered) throws IOException {
        JsonNode pod = documents(rendered).get(0);
        assertThat(pod.get("kind").asText()).isEqualTo("Pod");
        return pod;
    }

    private static List<String> envValues(JsonNode container, String name) {
        List<String> values = new java.util.ArrayList<>();
        container.path("env").forEach(e -> {
            if (name.equals(e.path("name").asText())) {
                values.add(e.path("value").asText());
            }
        });
        return values;
    }

    private static JsonNode mountAt(JsonNode container, String path) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (path.equals(mount.path("mountPath").asText())) {
                return mount;
            }
        }
        throw new AssertionError("no mount at " + path + " in " + container);
    }

    private static JsonNode volume(JsonNode spec, String name) {
        for (JsonNode volume : spec.path("volumes")) {
            if (name.equals(volume.path("name").asText())) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name + " in " + spec);
    }

    static String secret(String name, String key, String value) {
        return "kind: Secret\nmetadata: {name: " + name + "}\nstringData: {" + key + ": " + value + "}\n";
    }

    static String configMap(String name, String key, String value) {
        return "kind: ConfigMap\nmetadata: {name: " + name + "}\ndata: {" + key + ": " + value + "}\n";
    }
}
