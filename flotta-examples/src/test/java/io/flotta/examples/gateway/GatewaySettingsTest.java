package io.flotta.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.internal.ca.CaFixture;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ca.CertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewaySettingsTest {

    @TempDir
    Path dir;

    @Test
    void readsTheConfigThatTheBootstrapBundleWrites() {
        CertificateAuthority ca = CaFixture.open(dir.resolve("ca"));
        BootstrapBundle bundle = BootstrapBundle.issue(ca, URI.create("https://127.0.0.1:8043"), Duration.ofDays(1));
        bundle.write(dir.resolve("bundle"));

        GatewaySettings settings = GatewaySettings.read(dir.resolve("bundle").resolve(BootstrapBundle.GATEWAY_CONFIG_FILE),
                "machine-id");

        assertThat(settings.serverUri()).isEqualTo(URI.create("https://127.0.0.1:8043/"));
        assertThat(settings.clientId()).as("default client-id").isEqualTo("machine-id");
        assertThat(settings.caRoots()).containsExactly(dir.resolve("bundle").resolve(BootstrapBundle.CA_FILE).toAbsolutePath());
        // the gateway starts with the registration identity, from its own copy of it
        assertThat(settings.certFile().getFileName().toString()).isEqualTo(BootstrapBundle.GATEWAY_CERT_FILE);
        assertThat(new IdentityFiles(settings.certFile(), settings.keyFile()).load().leaf())
                .isEqualTo(bundle.registration().leaf());
    }

    @Test
    void upstreamLayoutWithSinglesAListOfServersAndAPrefixBehindAProxy() throws IOException {
        Path config = Files.writeString(dir.resolve("config.toml"), String.join("\n",
                "log-level = \"debug\"",
                "protocol = \"http\"",
                "server = [\"edge.example:8443\", \"backup.example:8443\"]",
                "cert-file = \"pki/cert.pem\"",
                "key-file = \"/etc/pki/key.pem\"",
                "ca-root = \"ca.pem\"",
                "path-prefix = \"/proxy/api/flotta-management/v1/\"",
                "client-id = \"7ca12aeb-fe05-49c1-82e9-5e0e58405901\"",
                ""));

        GatewaySettings settings = GatewaySettings.read(config, "unused");

        assertThat(settings.serverUri()).isEqualTo(URI.create("https://edge.example:8443/proxy"));
        assertThat(settings.certFile()).isEqualTo(dir.resolve("pki/cert.pem"));
        assertThat(settings.keyFile()).isEqualTo(Path.of("/etc/pki/key.pem"));
        assertThat(settings.caRoots()).containsExactly(dir.resolve("ca.pem"));
        assertThat(settings.clientId()).isEqualTo("7ca12aeb-fe05-49c1-82e9-5e0e58405901");
        assertThat(settings.logLevel()).isEqualTo("debug");
    }

    @Test
    void refusesWhatItCannotServe() throws IOException {
        Path mqtt = Files.writeString(dir.resolve("mqtt.toml"), "protocol = \"mqtt\"\nserver = \"tcp://broker:1883\"\n");
        assertThatThrownBy(() -> GatewaySettings.read(mqtt, "id")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("protocol must be \"http\"");
        Path noCert = Files.writeString(dir.resolve("nocert.toml"), "server = \"h:1\"\nca-root = [\"ca.pem\"]\nkey-file = \"k\"\n");
        assertThatThrownBy(() -> GatewaySettings.read(noCert, "id")).hasMessageContaining("cert-file is required");
        Path prefix = Files.writeString(dir.resolve("prefix.toml"), "server = \"h:1\"\nca-root = \"c\"\ncert-file = \"c\"\n"
                + "key-file = \"k\"\npath-prefix = \"api/other/v2\"\n");
        assertThatThrownBy(() -> GatewaySettings.read(prefix, "id").serverUri()).hasMessageContaining("path-prefix");
    }

    @Test
    void workerFilesInUpstreamsLayout() throws IOException {
        Path workers = Files.createDirectories(dir.resolve("workers"));
        Files.writeString(workers.resolve("device-worker.toml"), String.join("\n",
                "exec = \"/usr/libexec/yggdrasil/device-worker\"",
                "protocol = \"grpc\"",
                "env = [\"BASE_DATA_DIR=/var/local/yggdrasil\", \"DEVICE_ID=abc=def\"]",
                ""));
        Files.writeString(workers.resolve("agent.toml"), "exec = \"flotta agent --bundle /etc/flotta\"\n");
        Files.writeString(workers.resolve("README"), "not a worker");

        List<WorkerSpec> specs = WorkerSpec.readAll(workers);

        assertThat(specs).extracting(WorkerSpec::name).containsExactly("agent", "device-worker");
        assertThat(specs.get(0).command()).containsExactly("flotta", "agent", "--bundle", "/etc/flotta");
        assertThat(specs.get(1).env()).isEqualTo(Map.of("BASE_DATA_DIR", "/var/local/yggdrasil", "DEVICE_ID", "abc=def"));
        assertThat(WorkerSpec.readAll(dir.resolve("absent"))).isEmpty();
        Files.writeString(workers.resolve("bad.toml"), "exec = \"x\"\nprotocol = \"dbus\"\n");
        assertThatThrownBy(() -> WorkerSpec.readAll(workers)).hasMessageContaining("protocol must be \"grpc\"");
    }
}
