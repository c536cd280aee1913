package io.flotta.examples.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ca.CertificateSubject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsThroughADirectoryWithThePrivateKeyOwnerOnly() throws Exception {
        try (TestControlPlane cp = new TestControlPlane(dir.resolve("cp"), ControlPlaneOptions.builder().build())) {
            AdminCredentials issued = AdminCredentials.issue(cp.ca, URI.create("https://127.0.0.1:8044"), Duration.ofDays(1));
            issued.write(dir.resolve("admin"));

            AdminCredentials read = AdminCredentials.read(dir.resolve("admin"), null);

            assertThat(read.server()).isEqualTo(URI.create("https://127.0.0.1:8044"));
            assertThat(read.identity().leaf()).isEqualTo(issued.identity().leaf());
            assertThat(read.caCertificates()).isEqualTo(cp.ca.trustAnchors());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    dir.resolve("admin").resolve(AdminCredentials.KEY_FILE)))).isEqualTo("rw-------");
            assertThat(AdminCredentials.read(dir.resolve("admin"), URI.create("https://localhost:9")).server())
                    .as("an explicit server wins").isEqualTo(URI.create("https://localhost:9"));
        }
    }

    @Test
    void onlyAdminCertificatesAreAdmin() {
        try (TestControlPlane cp = new TestControlPlane(dir.resolve("cp"), ControlPlaneOptions.builder().build())) {
            var admin = AdminCredentials.issue(cp.ca, URI.create("https://127.0.0.1:8044"), Duration.ofDays(1));
            var device = cp.ca.issueClient(CertificateSubject.device("d1", "default"), Duration.ofDays(1));
            var deviceNamedAdmin = cp.ca.issueClient(new CertificateSubject("admin", "flotta-admin", "default"),
                    Duration.ofDays(1));

            assertThat(AdminCredentials.isAdmin(admin.identity().leaf())).isTrue();
            assertThat(AdminCredentials.isAdmin(device.certificate())).isFalse();
            assertThat(AdminCredentials.isAdmin(cp.registration.certificate())).isFalse();
            assertThat(AdminCredentials.isAdmin(deviceNamedAdmin.certificate()))
                    .as("a certificate the device API would accept (it has a namespace) is never an admin one").isFalse();
        }
    }

    @Test
    void aMissingCredentialSaysWhereItWasLookedForAndWhatToDo() {
        assertThatThrownBy(() -> AdminCredentials.read(dir.resolve("nowhere"), null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(dir.resolve("nowhere").toString())
                .hasMessageContaining("run `flotta server`")
                .hasMessageContaining("--admin-dir");
    }
}
