package io.flotta.examples.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.pki.HandshakeCryptoProvider;
import io.flotta.core.pki.Openssl;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.examples.EmbeddedControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A device made of nothing but the three PEM files of a bootstrap bundle and the command-line
 * tools: curl enrols and registers, openssl makes the key and CSR and checks what comes back, and
 * curl then works with the device certificate. Both tools are another TLS, HTTP and X.509 stack
 * than ours, as the upstream agent's is.
 */
class CurlOpensslIT {

    private static final String DEVICE_ID = "5e1f0a3c-77d2-4b8e-9a61-c0ffee000042";

    @TempDir
    Path dir;

    /** With {@code ourCrypto}, the control plane's TLS signs, verifies and agrees on keys through {@link HandshakeCryptoProvider}. */
    @ParameterizedTest(name = "our ECDSA provider installed: {0}")
    @ValueSource(booleans = {false, true})
    void aDevicePairsAndWorksWithCurlAndOpensslAlone(boolean ourCrypto) throws IOException {
        if (ourCrypto) {
            assertThat(HandshakeCryptoProvider.install()).isTrue();
        }
        try {
            pairAndWork();
        } finally {
            Security.removeProvider(HandshakeCryptoProvider.NAME);
        }
    }

    private void pairAndWork() throws IOException {
        try (EmbeddedControlPlane server = EmbeddedControlPlane.builder()
                .dataDirectory(dir.resolve("control-plane")).port(0).start()) {
            Path device = deviceWithBundleFilesOnly(server);
            Curl curl = new Curl(device);
            Openssl openssl = new Openssl(device);
            String out = server.deviceUrl() + DeviceHttp.API + "/data/" + DEVICE_ID + "/out";
            String in = server.deviceUrl() + DeviceHttp.API + "/data/" + DEVICE_ID + "/in";

            // enrolment with the registration certificate: accepted (auto-approved), then already known
            write(device, "enrolment.json", TestControlPlane.envelope("enrolment", TestControlPlane.enrolment()));
            Curl.Result enrolled = curl.run(out, asRegistration("--data-binary", "@enrolment.json"));
            Curl.Result again = curl.run(out, asRegistration("--data-binary", "@enrolment.json"));
            assertThat(enrolled.status()).as("first enrolment").isEqualTo(200);
            assertThat(enrolled.body()).isEmpty();
            assertThat(again.status()).as("enrolment of an approved device").isEqualTo(208);
            assertThat(again.body()).isEmpty();

            // a key and CSR from openssl, registered with curl
            openssl.ok("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "device-key.pem");
            openssl.ok("req", "-new", "-key", "device-key.pem", "-subj", "/CN=" + DEVICE_ID, "-out", "device.csr");
            ObjectNode registration = JsonNodeFactory.instance.objectNode();
            registration.put("certificate_request", openssl.read("device.csr"));
            registration.set("hardware", TestControlPlane.hardware("curl-host"));
            byte[] registrationMessage = TestControlPlane.envelope("registration", registration);
            write(device, "registration.json", registrationMessage);
            Curl.Result registered = curl.run(out, asRegistration("--data-binary", "@registration.json"));
            assertThat(registered.status()).as("registration: %s", registered.body()).isEqualTo(200);
            JsonNode answer = Recording.json(registered.body(), "registration answer");
            assertThat(answer.path("directive").asText()).isEqualTo("registration");
            assertThat(answer.path("message_id").asText())
                    .isEqualTo(Recording.json(new String(registrationMessage, StandardCharsets.UTF_8),
                            "registration").path("message_id").asText());
            openssl.write("device.pem", answer.path("content").path("certificate").asText());

            // openssl accepts what our CA issued, with the subject the control plane sets
            assertThat(openssl.ok("verify", "-CAfile", "ca.pem", "device.pem")).contains("device.pem: OK");
            assertThat(openssl.ok("verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "device.pem"))
                    .contains("device.pem: OK");
            assertThat(openssl.ok("x509", "-in", "device.pem", "-noout", "-subject").strip())
                    .isEqualTo("subject=O = flotta-operator, OU = default, CN = " + DEVICE_ID);
            assertThat(openssl.ok("x509", "-in", "device.pem", "-noout", "-pubkey"))
                    .as("the certificate is for the key openssl made")
                    .isEqualTo(openssl.ok("pkey", "-in", "device-key.pem", "-pubout"));

            // the device certificate fetches the configuration and posts a heartbeat
            Curl.Result configuration = curl.run(in, asDevice());
            assertThat(configuration.status()).as("data/in: %s", configuration.body()).isEqualTo(200);
            assertThat(configuration.headers()).containsIgnoringCase("content-type: application/json");
            JsonNode message = Recording.json(configuration.body(), "configuration");
            assertThat(message.path("type").asText()).isEqualTo("data");
            assertThat(message.path("directive").asText()).isEqualTo("device");
            assertThat(message.path("content").path("device_id").asText()).isEqualTo(DEVICE_ID);
            assertThat(message.path("content").path("configuration").path("heartbeat").path("hardware_profile")
                    .isObject()).as("configuration.heartbeat.hardware_profile").isTrue();
            String version = message.path("content").path("version").asText();
            assertThat(version).isNotEmpty();

            ObjectNode heartbeat = JsonNodeFactory.instance.objectNode();
            heartbeat.put("status", "up");
            heartbeat.put("version", version);
            heartbeat.putArray("workloads");
            heartbeat.putArray("events");
            write(device, "heartbeat.json", TestControlPlane.envelope("heartbeat", heartbeat));
            Curl.Result beat = curl.run(out, asDevice("-H", "Content-Type: application/json",
                    "--data-binary", "@heartbeat.json"));
            assertThat(beat.status()).as("heartbeat").isEqualTo(200);
            assertThat(beat.body()).isEmpty();

            DeviceView view = server.controlPlane().device("default", DEVICE_ID).orElseThrow();
            assertThat(view.lastSeen()).isNotNull();
            assertThat(view.status().agentStatus()).isEqualTo("up");
            assertThat(view.status().agentVersion()).isEqualTo(version);
            assertThat(view.labels()).containsEntry("device.hostname", "curl-host");
        }
    }

    /** A directory holding the bundle's three PEM files and nothing else. */
    private Path deviceWithBundleFilesOnly(EmbeddedControlPlane server) throws IOException {
        Path bundle = dir.resolve("bundle");
        server.writeBootstrapBundle(bundle);
        Path device = Files.createDirectories(dir.resolve("device"));
        for (String file : List.of(BootstrapBundle.CA_FILE, BootstrapBundle.CERT_FILE, BootstrapBundle.KEY_FILE)) {
            Files.copy(bundle.resolve(file), device.resolve(file));
        }
        assertThat(Files.readString(device.resolve(BootstrapBundle.KEY_FILE))).contains("BEGIN EC PRIVATE KEY");
        return device;
    }

    private static String[] asRegistration(String... more) {
        return with(List.of("--cacert", BootstrapBundle.CA_FILE, "--cert", BootstrapBundle.CERT_FILE,
                "--key", BootstrapBundle.KEY_FILE, "-H", "Content-Type: application/json"), more);
    }

    private static String[] asDevice(String... more) {
        return with(List.of("--cacert", BootstrapBundle.CA_FILE, "--cert", "device.pem", "--key", "device-key.pem"), more);
    }

    private static String[] with(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void write(Path directory, String name, byte[] content) throws IOException {
        Files.write(directory.resolve(name), content);
    }
}
