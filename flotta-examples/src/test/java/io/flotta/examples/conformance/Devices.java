package io.flotta.examples.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.pki.CertificateChecks;
import io.flotta.core.pki.Keys;
import io.flotta.core.pki.Pem;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.Route;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/** Pairing devices with a control plane over HTTPS, and checking what it issues. */
final class Devices {

    static final String NAMESPACE = "default";

    private Devices() {
    }

    /** A bootstrap bundle written to {@code directory} and read back, as a device image carries it. */
    static BootstrapBundle bundle(EmbeddedControlPlane server, Path directory) {
        server.writeBootstrapBundle(directory);
        return BootstrapBundle.read(directory);
    }

    static DeviceHttp client(EmbeddedControlPlane server, BootstrapBundle bundle, ClientIdentity identity) {
        return DeviceHttp.presenting(server.deviceUrl(), identity, bundle.caCertificates());
    }

    /**
     * Registers a fresh key for {@code deviceId} with the registration certificate (the enrolment
     * must be approved) and returns it with the certificate the control plane issued.
     */
    static ClientIdentity register(DeviceHttp registration, String deviceId, List<X509Certificate> trustAnchors) {
        KeyPair keys = Keys.generateEcP256();
        DeviceHttp.Answer answer = registration.post(Route.DATA_OUT, deviceId,
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, deviceId)));
        assertThat(answer.status()).as("registration of %s: %s", deviceId, answer).isEqualTo(200);
        X509Certificate certificate = issuedCertificate(answer.json());
        checkDeviceCertificate(certificate, deviceId, keys.getPublic(), trustAnchors);
        return new ClientIdentity(keys.getPrivate(), List.of(certificate));
    }

    /** Enrols and registers {@code deviceId} (auto-approval) and returns its identity. */
    static ClientIdentity pair(DeviceHttp registration, String deviceId, List<X509Certificate> trustAnchors) {
        DeviceHttp.Answer enrolment = registration.post(Route.DATA_OUT, deviceId,
                TestControlPlane.envelope("enrolment", TestControlPlane.enrolment()));
        assertThat(enrolment.status()).as("enrolment of %s: %s", deviceId, enrolment).isIn(200, 208);
        return register(registration, deviceId, trustAnchors);
    }

    static X509Certificate issuedCertificate(JsonNode registrationAnswer) {
        assertThat(registrationAnswer.path("directive").asText()).isEqualTo("registration");
        String pem = registrationAnswer.path("content").path("certificate").asText("");
        assertThat(pem).as("content.certificate of %s", registrationAnswer).startsWith("-----BEGIN CERTIFICATE-----");
        return Pem.readCertificate(pem);
    }

    /** What DESIGN.md promises of a device certificate. */
    static void checkDeviceCertificate(X509Certificate certificate, String deviceId, PublicKey requested,
                                       List<X509Certificate> trustAnchors) {
        assertThat(CertificateChecks.signedByAny(certificate, trustAnchors)).as("signed by our CA").isTrue();
        assertThat(CertificateChecks.subject(certificate)).as("subject set by the control plane")
                .contains(CertificateSubject.device(deviceId, NAMESPACE));
        assertThat(certificate.getPublicKey()).as("the key of the certificate request").isEqualTo(requested);
        assertThat(CertificateChecks.allowsClientAuth(certificate)).as("usable as a TLS client certificate").isTrue();
        assertThat(CertificateChecks.validity(certificate, Clock.systemUTC()))
                .isEqualTo(CertificateChecks.Validity.VALID);
    }
}
