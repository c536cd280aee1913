package io.flotta.examples.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.internal.ca.CaFixture;
import io.flotta.core.pki.CertificateChecks;
import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.conformance.DeviceHttp.Answer;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.Route;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input over real mTLS against one running control plane: each gets its status with an empty
 * body (the upstream gateway would dispatch any body as a message), and the server goes on serving
 * a good device after each (checked after every test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {

    private static final String DEVICE = "0b5e55ed-7a11-4c0d-9e00-00000000bad1";
    private static final String OTHER_DEVICE = "0b5e55ed-7a11-4c0d-9e00-00000000bad2";
    private static final int MAX_BODY = 64 * 1024;

    @TempDir
    static Path dir;

    private EmbeddedControlPlane server;
    private BootstrapBundle bundle;
    private DeviceHttp registration;
    private DeviceHttp device;

    @BeforeAll
    void start() {
        server = EmbeddedControlPlane.builder().dataDirectory(controlPlaneDirectory()).port(0)
                .maxBodyBytes(MAX_BODY).start();
        bundle = Devices.bundle(server, dir.resolve("bundle"));
        registration = Devices.client(server, bundle, bundle.registration());
        device = Devices.client(server, bundle, Devices.pair(registration, DEVICE, trust()));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void serverStillServesAGoodDevice() {
        assertThat(device.get(Route.DATA_IN, DEVICE).status()).as("data/in of a good device").isEqualTo(200);
        assertThat(device.get(Route.CONTROL_IN, DEVICE).status()).as("control/in of a good device").isEqualTo(200);
    }

    @Test
    @Order(1)
    void malformedJsonIs400() {
        refused(400, device.post(Route.DATA_OUT, DEVICE, "{\"type\":\"data\",\"directive\":\"heartbeat\",\"content\":{"));
        refused(400, device.post(Route.DATA_OUT, DEVICE, "not json at all"));
        // JSON, but not an envelope
        refused(400, device.post(Route.DATA_OUT, DEVICE, "[1,2,3]"));
        // an envelope whose heartbeat content is not an object
        refused(400, device.post(Route.DATA_OUT, DEVICE, "{\"type\":\"data\",\"directive\":\"heartbeat\",\"content\":\"up\"}"));
    }

    @Test
    @Order(2)
    void bodyOverTheLimitIs413() {
        ObjectNode heartbeat = JsonNodeFactory.instance.objectNode();
        heartbeat.put("status", "x".repeat(2 * MAX_BODY));
        byte[] body = TestControlPlane.envelope("heartbeat", heartbeat);
        assertThat(body.length).isGreaterThan(MAX_BODY);

        refused(413, device.post(Route.DATA_OUT, DEVICE, body));
        refused(413, registration.post(Route.DATA_OUT, DEVICE, body));
    }

    @Test
    @Order(3)
    void unknownDirectiveIs400() {
        refused(400, device.post(Route.DATA_OUT, DEVICE,
                TestControlPlane.envelope("self-destruct", JsonNodeFactory.instance.objectNode())));
        // no directive at all
        refused(400, device.post(Route.DATA_OUT, DEVICE, "{\"type\":\"data\",\"content\":{}}"));
    }

    @Test
    @Order(4)
    void anotherDevicesIdIs403() {
        Devices.pair(registration, OTHER_DEVICE, trust());

        refused(403, device.get(Route.DATA_IN, OTHER_DEVICE));
        refused(403, device.get(Route.CONTROL_IN, OTHER_DEVICE));
        refused(403, device.post(Route.DATA_OUT, OTHER_DEVICE, heartbeat()));
        refused(403, device.post(Route.CONTROL_OUT, OTHER_DEVICE, connectionStatus()));
    }

    @Test
    @Order(5)
    void registrationCertificateOutsidePairingIs401() {
        refused(401, registration.get(Route.DATA_IN, DEVICE));
        refused(401, registration.get(Route.CONTROL_IN, DEVICE));
        refused(401, registration.post(Route.DATA_OUT, DEVICE, heartbeat()));
        refused(401, registration.post(Route.CONTROL_OUT, DEVICE, connectionStatus()));
    }

    @Test
    @Order(6)
    void expiredDeviceCertificateIs401ButMayRenew() {
        ClientIdentity expired;
        // the control plane's own CA, as if it were two days ago: a certificate that expired yesterday
        Clock twoDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        CertificateAuthority pastCa = CaFixture.open(controlPlaneDirectory().resolve("ca"), twoDaysAgo);
        try {
            IssuedCredential credential = CaFixture.device(pastCa, DEVICE, Devices.NAMESPACE, Duration.ofDays(1));
            expired = new ClientIdentity(credential.key(), credential.chain());
        } finally {
            pastCa.close();
        }
        assertThat(CertificateChecks.validity(expired.leaf(), Clock.systemUTC()))
                .isEqualTo(CertificateChecks.Validity.EXPIRED);
        DeviceHttp withExpired = Devices.client(server, bundle, expired);

        refused(401, withExpired.get(Route.DATA_IN, DEVICE));
        refused(401, withExpired.post(Route.DATA_OUT, DEVICE, heartbeat()));
        refused(401, withExpired.get(Route.CONTROL_IN, DEVICE));
        // the one thing it may do: renew its own registration
        ClientIdentity renewed = Devices.register(withExpired, DEVICE, trust());
        DeviceHttp withRenewed = Devices.client(server, bundle, renewed);
        assertThat(withRenewed.post(Route.DATA_OUT, DEVICE, heartbeat()).status()).isEqualTo(200);
        // and not another device's
        KeyPair keys = Keys.generateEcP256();
        refused(403, withExpired.post(Route.DATA_OUT, OTHER_DEVICE,
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, OTHER_DEVICE))));
    }

    @Test
    @Order(7)
    void certificateFromAnotherCaIs401() {
        CertificateAuthority otherCa = CaFixture.open(dir.resolve("other-ca"));
        try {
            IssuedCredential foreign = CaFixture.device(otherCa, DEVICE, Devices.NAMESPACE, Duration.ofDays(1));
            DeviceHttp alone = Devices.client(server, bundle, new ClientIdentity(foreign.key(), foreign.chain()));
            // our CA's certificate after the foreign leaf does not make the leaf ours
            DeviceHttp withOurCa = Devices.client(server, bundle, new ClientIdentity(foreign.key(),
                    List.of(foreign.chain().get(0), trust().get(0))));

            for (DeviceHttp client : List.of(alone, withOurCa)) {
                refused(401, client.get(Route.DATA_IN, DEVICE));
                refused(401, client.post(Route.DATA_OUT, DEVICE, heartbeat()));
                refused(401, client.post(Route.DATA_OUT, DEVICE,
                        TestControlPlane.envelope("enrolment", TestControlPlane.enrolment())));
            }
        } finally {
            otherCa.close();
        }
    }

    @Test
    @Order(8)
    void csrWithABadSignatureIs400() {
        KeyPair keys = Keys.generateEcP256();
        byte[] der = Pem.readCsr(Csrs.create(keys, DEVICE)).encoded();
        // the last byte belongs to the signature's s value: still well-formed, no longer valid
        der[der.length - 1] ^= 0x01;
        String forged = Pem.encode(Pem.CERTIFICATE_REQUEST, der);
        assertThat(Pem.readCsr(forged).isSignatureValid()).as("the forged CSR parses but does not verify").isFalse();
        ObjectNode content = TestControlPlane.registrationContent(keys, DEVICE);
        content.put("certificate_request", forged);
        byte[] body = TestControlPlane.envelope("registration", content);

        refused(400, registration.post(Route.DATA_OUT, DEVICE, body));
        refused(400, device.post(Route.DATA_OUT, DEVICE, body));
        // not a CSR at all
        content.put("certificate_request", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
        refused(400, registration.post(Route.DATA_OUT, DEVICE, TestControlPlane.envelope("registration", content)));
    }

    @Test
    @Order(9)
    void unknownDeviceIs404() {
        String ghost = "0b5e55ed-7a11-4c0d-9e00-0000000ghost";
        ClientIdentity ghostIdentity;
        // a certificate our CA signed for a device the control plane has never registered
        CertificateAuthority sameCa = CaFixture.open(controlPlaneDirectory().resolve("ca"));
        try {
            IssuedCredential credential = CaFixture.device(sameCa, ghost, Devices.NAMESPACE, Duration.ofDays(1));
            ghostIdentity = new ClientIdentity(credential.key(), credential.chain());
        } finally {
            sameCa.close();
        }
        DeviceHttp withGhost = Devices.client(server, bundle, ghostIdentity);

        refused(404, withGhost.get(Route.DATA_IN, ghost));
        refused(404, withGhost.get(Route.CONTROL_IN, ghost));
        refused(404, withGhost.post(Route.DATA_OUT, ghost, heartbeat()));
        // and a registration without any enrolment
        KeyPair keys = Keys.generateEcP256();
        refused(404, registration.post(Route.DATA_OUT, ghost,
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, ghost))));
    }

    @Test
    @Order(10)
    void noClientCertificateIs401() {
        DeviceHttp anonymous = DeviceHttp.anonymous(server.deviceUrl(), trust());

        refused(401, anonymous.get(Route.DATA_IN, DEVICE));
        refused(401, anonymous.get(Route.CONTROL_IN, DEVICE));
        refused(401, anonymous.post(Route.DATA_OUT, DEVICE, TestControlPlane.envelope("enrolment", TestControlPlane.enrolment())));
        refused(401, anonymous.post(Route.CONTROL_OUT, DEVICE, connectionStatus()));
    }

    @Test
    @Order(100)
    void aNormalHeartbeatStillGets200() {
        Answer answer = device.post(Route.DATA_OUT, DEVICE, heartbeat());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEmpty();
        assertThat(server.controlPlane().device(Devices.NAMESPACE, DEVICE).orElseThrow().status().agentStatus())
                .isEqualTo("up");
    }

    // ------------------------------------------------------------------ helpers

    private static void refused(int status, Answer answer) {
        assertThat(answer.status()).as("status; answer %s", answer).isEqualTo(status);
        assertThat(answer.body()).as("body of a %d", status).isEmpty();
    }

    private static byte[] heartbeat() {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("status", "up");
        content.putArray("workloads");
        content.putArray("events");
        return TestControlPlane.envelope("heartbeat", content);
    }

    private static byte[] connectionStatus() {
        return ("{\"type\":\"connection-status\",\"message_id\":\"1b7c1c8e-0d7e-4c1a-9d57-3f2d6a1f0e01\","
                + "\"version\":1,\"sent\":\"2026-11-26T10:00:00Z\",\"content\":{\"state\":\"online\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private List<X509Certificate> trust() {
        return bundle.caCertificates();
    }

    private Path controlPlaneDirectory() {
        return dir.resolve("control-plane");
    }
}
