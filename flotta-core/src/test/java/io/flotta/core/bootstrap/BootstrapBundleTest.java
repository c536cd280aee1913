package io.flotta.core.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.core.internal.ca.CaFixture;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ca.CertificateAuthority;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapBundleTest {

    private static final URI HTTP = URI.create("https://127.0.0.1:8043");
    private static final URI GRPC = URI.create("https://127.0.0.1:8045");

    @TempDir
    Path dir;
    private CertificateAuthority ca;

    @BeforeEach
    void openCa() {
        ca = CaFixture.open(dir.resolve("ca"));
    }

    @AfterEach
    void closeCa() {
        ca.close();
    }

    @Test
    void aBundleWithoutTransportIsHttpAndWritesNoTransportField() throws Exception {
        BootstrapBundle.issue(ca, HTTP, Duration.ofDays(1)).write(dir.resolve("b"));

        assertThat(Files.readString(dir.resolve("b").resolve(BootstrapBundle.CONFIG_FILE))).doesNotContain("transport");
        BootstrapBundle read = BootstrapBundle.read(dir.resolve("b"));
        assertThat(read.transport()).isEqualTo("http");
        assertThat(read.server()).isEqualTo(HTTP);
        assertThat(read.endpoints()).isEmpty();
    }

    @Test
    void transportAndEndpointsSurviveWriteAndRead() throws Exception {
        BootstrapBundle bundle = BootstrapBundle.issue(ca, HTTP, Duration.ofDays(1)).withEndpoint("grpc", GRPC)
                .forTransport("grpc");
        assertThat(bundle.server()).isEqualTo(GRPC);
        assertThat(bundle.endpoints()).containsExactlyEntriesOf(java.util.Map.of("http", HTTP));

        bundle.write(dir.resolve("b"));
        BootstrapBundle read = BootstrapBundle.read(dir.resolve("b"));

        assertThat(read.transport()).isEqualTo("grpc");
        assertThat(read.server()).isEqualTo(GRPC);
        assertThat(read.forTransport("http").server()).isEqualTo(HTTP);
        assertThat(read.forTransport("http").transport()).isEqualTo("http");
        assertThat(read.forTransport(null)).isSameAs(read);
        // the upstream gateway's file keeps naming the HTTP server
        assertThat(Files.readString(dir.resolve("b").resolve("config.toml"))).contains("\"127.0.0.1:8043\"");
    }

    @Test
    void aTransportTheBundleDoesNotNameIsAConfigurationError() {
        BootstrapBundle bundle = BootstrapBundle.issue(ca, HTTP, Duration.ofDays(1));

        assertThatThrownBy(() -> bundle.forTransport("grpc"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no server for transport grpc");
    }
}
