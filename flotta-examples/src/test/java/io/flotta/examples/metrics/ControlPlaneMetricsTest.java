package io.flotta.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneMetricsTest {

    @TempDir
    Path dir;

    TestControlPlane cp;
    ControlPlaneMetrics metrics;
    DeviceApi api;

    @BeforeEach
    void start() {
        cp = new TestControlPlane(dir, ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(30)).build());
        metrics = new ControlPlaneMetrics(cp.controlPlane);
        api = metrics.meter(cp.controlPlane.deviceApi());
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    private DeviceResponse call(Route route, String device, List<java.security.cert.X509Certificate> chain, byte[] body) {
        return api.handle(new DeviceRequest(route, device, chain, body, null, Duration.ZERO)).toCompletableFuture().join();
    }

    @Test
    void countsAcceptedRegistrationsAndHeartbeatsOnly() {
        assertThat(call(Route.DATA_OUT, "d1", cp.registration.chain(),
                TestControlPlane.envelope("enrolment", TestControlPlane.enrolment())).status()).isIn(200, 208);
        var keys = io.flotta.core.pki.Keys.generateEcP256();
        DeviceResponse reg = call(Route.DATA_OUT, "d1", cp.registration.chain(),
                TestControlPlane.envelope("registration", TestControlPlane.registrationContent(keys, "d1")));
        assertThat(reg.status()).isEqualTo(200);
        var chain = List.of(TestControlPlane.certificate(reg));
        ObjectNode heartbeat = JsonNodeFactory.instance.objectNode().put("status", "up").put("version", "1");
        assertThat(call(Route.DATA_OUT, "d1", chain, TestControlPlane.envelope("heartbeat", heartbeat)).status())
                .isEqualTo(200);
        // refused: no certificate
        assertThat(call(Route.DATA_OUT, "d1", List.of(), TestControlPlane.envelope("heartbeat", heartbeat)).status())
                .isEqualTo(401);

        assertThat(metrics.registrations.count()).isEqualTo(1);
        assertThat(metrics.heartbeats.count()).isEqualTo(1);
        String text = metrics.scrape();
        assertThat(text).contains("flotta_devices{state=\"online\"} 1.0",
                "flotta_device_api_requests_seconds_count{directive=\"heartbeat\",route=\"data_out\",status=\"401\"} 1");
    }

    @Test
    void unknownDirectivesAndBadBodiesDoNotCreateNewSeries() {
        call(Route.DATA_OUT, "d1", List.of(), TestControlPlane.envelope("made-up-" + System.nanoTime(),
                JsonNodeFactory.instance.objectNode()));
        call(Route.DATA_OUT, "d1", List.of(), "not json".getBytes(StandardCharsets.UTF_8));
        call(Route.DATA_IN, "d1", List.of(), new byte[0]);

        String text = metrics.scrape();

        assertThat(text).contains("directive=\"other\"", "directive=\"invalid\"", "directive=\"none\",route=\"data_in\"")
                .doesNotContain("made-up-");
    }

    @Test
    void theDirectiveIsFoundWhereverItIsInTheEnvelope() {
        String late = "{\"content\":{\"directive\":\"nested\",\"a\":[1,{\"b\":2}]},\"directive\":\"heartbeat\"}";
        assertThat(MeteredDeviceApi.directive(DeviceRequest.of(Route.DATA_OUT, "d", late.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("heartbeat");
        assertThat(MeteredDeviceApi.directive(DeviceRequest.of(Route.DATA_OUT, "d",
                "{\"directive\":7}".getBytes(StandardCharsets.UTF_8)))).isEqualTo("other");
        assertThat(MeteredDeviceApi.directive(DeviceRequest.of(Route.DATA_OUT, "d",
                "[]".getBytes(StandardCharsets.UTF_8)))).isEqualTo("invalid");
        assertThat(MeteredDeviceApi.directive(DeviceRequest.of(Route.DATA_OUT, "d", new byte[0]))).isEqualTo("invalid");
    }

    @Test
    void gaugesStartAtZero() {
        assertThat(metrics.scrape()).contains("flotta_devices{state=\"online\"} 0.0",
                "flotta_devices{state=\"offline\"} 0.0", "flotta_deployments 0.0", "flotta_heartbeats_total 0.0",
                "flotta_registrations_total 0.0");
    }
}
