package io.flotta.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.flotta.spi.FlottaException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class WireModelTest {

    @Test
    void unknownFieldsAreIgnoredOnRead() {
        Message message = Json.read("""
                {"type":"data","directive":"heartbeat","future":{"x":1},
                 "content":{"status":"up","novelty":[1,2],"workloads":[{"name":"w","status":"Running","new":true}]}}
                """, Message.class);

        Heartbeat heartbeat = message.contentAs(Heartbeat.class);

        assertThat(heartbeat.status()).isEqualTo("up");
        assertThat(heartbeat.workloads()).containsExactly(new WorkloadStatus("w", "Running", null));
        assertThat(Json.writeString(heartbeat)).doesNotContain("novelty").doesNotContain("\"new\"");
    }

    @Test
    void malformedJsonIsAnInvalidArgumentNamingTheType() {
        assertInvalid(() -> Json.read("{\"type\": \"data\",", Message.class), "invalid Message");
        assertInvalid(() -> Json.read("{\"type\": \"data\"} trailing", Message.class), "invalid Message");
        assertInvalid(() -> Json.read("", Message.class), "invalid Message");
        assertInvalid(() -> Json.read("null", Message.class), "got null");
        assertInvalid(() -> Json.readTree("{oops}"), "invalid JSON");
        assertInvalid(() -> Json.readTree("   "), "empty document");
    }

    @Test
    void bindingFailuresNameTheJsonPath() {
        assertInvalid(() -> Json.read("""
                {"workloads":[{"name":"w","last_data_upload":"yesterday"}]}
                """, Heartbeat.class), "invalid Heartbeat: at $.workloads[0].last_data_upload");
        assertInvalid(() -> Json.read("{\"period_seconds\":\"often\"}", HeartbeatConfiguration.class),
                "at $.period_seconds");
    }

    @Test
    void readIsStricterThanGoWhereItMatters() {
        // a fraction where the schema says integer is wrong, not something to round away
        assertInvalid(() -> Json.read("{\"period_seconds\":1.5}", HeartbeatConfiguration.class),
                "at $.period_seconds");
        // with duplicate keys two readers could see two different messages
        assertInvalid(() -> Json.read("{\"type\":\"data\",\"type\":\"command\"}", Message.class),
                "Duplicate field 'type'");
    }

    @Test
    void contentOfTheWrongShapeIsAnInvalidArgument() {
        Message message = Json.read("{\"type\":\"data\",\"directive\":\"registration\",\"content\":[1]}",
                Message.class);
        assertInvalid(() -> message.contentAs(RegistrationInfo.class), "invalid RegistrationInfo");

        Message ansible = Json.read("{\"type\":\"data\",\"directive\":\"ansible\",\"content\":null}",
                Message.class);
        assertThat(ansible.hasNoContent()).isTrue();
        assertInvalid(() -> ansible.contentAs(Heartbeat.class), "message ansible has no content");
    }

    @Test
    void hardwareProfileIsNeverNullWhenBuildingAConfiguration() {
        DeviceConfiguration plain = DeviceConfiguration.builder().build();
        DeviceConfiguration withoutProfile = DeviceConfiguration.builder()
                .heartbeat(new HeartbeatConfiguration(30L, null)).build();
        DeviceConfigurationMessage message = DeviceConfigurationMessage.builder()
                .deviceId("7ca12aeb-fe05-49c1-82e9-5e0e58405901").version("1").build();
        DeviceConfigurationMessage fromReceived = DeviceConfigurationMessage.builder().deviceId("d")
                .configuration(Json.read("{\"heartbeat\":{\"period_seconds\":5}}", DeviceConfiguration.class))
                .build();

        assertThat(plain.heartbeat()).isEqualTo(HeartbeatConfiguration.defaults());
        assertThat(withoutProfile.heartbeat().periodSeconds()).isEqualTo(30L);
        assertThat(withoutProfile.heartbeat().hardwareProfile()).isEqualTo(HardwareProfileConfiguration.none());
        assertThat(message.configuration().heartbeat().hardwareProfile()).isNotNull();
        assertThat(fromReceived.configuration().heartbeat().hardwareProfile()).isNotNull();
        assertThat(fromReceived.configuration().heartbeat().periodSeconds()).isEqualTo(5L);

        // exactly what the upstream operator sends by default
        JsonNode json = Json.readTree(Json.write(message));
        assertThat(json.at("/configuration/heartbeat/hardware_profile").isObject()).isTrue();
        assertThat(json.at("/configuration/heartbeat/hardware_profile").size()).isZero();
        assertThat(json.at("/configuration/heartbeat/period_seconds").asLong()).isEqualTo(60);
        assertThat(json.at("/configuration/mounts").isArray()).isTrue();
        assertThat(json.has("workloads")).isFalse();
    }

    @Test
    void configurationBuildersValidateNamingTheField() {
        assertInvalid(() -> DeviceConfigurationMessage.builder().build(), "device_id is required");
        assertInvalid(() -> DeviceConfigurationMessage.builder().deviceId("d").workloadsMonitoringInterval(0L).build(),
                "workloads_monitoring_interval must be > 0");
        assertInvalid(() -> Workload.builder().specification("containers: []").build(), "workload name is required");
        assertInvalid(() -> Workload.builder().name("w").build(), "workload w: specification is required");
        assertInvalid(() -> Message.builder().build(), "message type is required");
    }

    @Test
    void absentStaysAbsentAndNullStaysNull() {
        Message fromGateway = Json.read("{\"type\":\"data\",\"metadata\":null,\"content\":null}", Message.class);
        Message fromOperator = Json.read("{\"type\":\"data\"}", Message.class);

        assertThat(fromGateway.metadata()).isEqualTo(NullNode.getInstance());
        assertThat(fromGateway.content()).isEqualTo(NullNode.getInstance());
        assertThat(fromOperator.metadata()).isNull();
        assertThat(fromOperator.content()).isNull();
        assertThat(Json.writeString(fromGateway)).isEqualTo("{\"type\":\"data\",\"metadata\":null,\"content\":null}");
        assertThat(Json.writeString(fromOperator)).isEqualTo("{\"type\":\"data\"}");
    }

    @Test
    void keysUpstreamAlwaysWritesAreWrittenAsNull() {
        JsonNode heartbeat = Json.toTree(Heartbeat.builder().status(Heartbeat.STATUS_UP).version("3").build());
        JsonNode hardware = Json.toTree(HardwareInfo.builder().hostname("vm").build());

        assertThat(fieldNames(heartbeat))
                .containsExactlyInAnyOrder("status", "version", "workloads", "events", "playbook-executions");
        assertThat(heartbeat.get("events").isNull()).isTrue();
        assertThat(fieldNames(hardware))
                .containsExactlyInAnyOrder("hostname", "interfaces", "disks", "gpus", "host_devices", "mounts");
        // and present-but-empty stays empty
        JsonNode empty = Json.toTree(Heartbeat.builder().events(List.of()).build());
        assertThat(empty.get("events").isArray()).isTrue();
    }

    @Test
    void keysAreSpelledAsUpstreamSpellsThem() {
        DeviceConfigurationMessage message = DeviceConfigurationMessage.builder()
                .deviceId("d").workloadsMonitoringInterval(15L)
                .configuration(DeviceConfiguration.builder()
                        .storage(new StorageConfiguration(new S3StorageConfiguration(
                                "h", 443, "b", "r", "AKID", "SECRET", null)))
                        .metrics(new MetricsConfiguration(null, null,
                                new ComponentMetricsConfiguration(60, null, true),
                                new MetricsReceiverConfiguration("https://r", 10L, 100L, "CA")))
                        .logCollection(java.util.Map.of("syslog",
                                new LogsCollectionInformation("syslog", 12,
                                        new LogsCollectionInformation.SyslogConfig("h:514", "tcp"))))
                        .build())
                .workloads(List.of(Workload.builder().name("w").specification("containers: []")
                        .imageRegistries(new ImageRegistries("{}")).logCollection("syslog").build()))
                .build();
        Heartbeat heartbeat = Heartbeat.builder()
                .upgrade(new UpgradeStatus("abc", null, null))
                .playbookExecutions(List.of(new PlaybookExecutionStatus("p", "Running", null)))
                .build();
        EnrolmentInfo enrolment = new EnrolmentInfo(new EnrolmentInfo.Features(null, "rpi4"), "ns");

        assertThat(Json.writeString(message)).contains("\"device_id\"", "\"workloads_monitoring_interval\"",
                "\"aws_access_key_id\"", "\"aws_secret_access_key\"", "\"bucket_port\"", "\"data-transfer\"",
                "\"caCert\"", "\"timeout_seconds\"", "\"log-collection\"", "\"syslog_config\"", "\"buffer_size\"",
                "\"imageRegistries\"", "\"authFile\"", "\"log_collection\"", "\"period_seconds\"",
                "\"hardware_profile\"");
        assertThat(Json.writeString(heartbeat)).contains("\"current_commit_ID\"", "\"playbook-executions\"");
        assertThat(Json.writeString(enrolment)).contains("\"modelName\"", "\"target_namespace\"");
        assertThat(Json.writeString(new RegistrationInfo("CSR", null))).isEqualTo("{\"certificate_request\":\"CSR\"}");
    }

    @Test
    void timestampsKeepTheirPrecisionInUpstreamForm() {
        assertThat(WireTime.format(Instant.parse("2026-11-26T10:08:35.891Z"))).isEqualTo("2026-11-26T10:08:35.891Z");
        assertThat(WireTime.format(WorkloadStatus.NEVER)).isEqualTo("0001-01-01T00:00:00.000Z");
        assertThat(WireTime.format(Instant.parse("2026-11-26T10:08:31.76371334Z")))
                .isEqualTo("2026-11-26T10:08:31.76371334Z");
        assertThat(WireTime.parse("2026-11-26T12:08:35+02:00")).isEqualTo(Instant.parse("2026-11-26T10:08:35Z"));
        assertInvalid(() -> WireTime.parse("26/11/2026"), "not an RFC 3339 timestamp");

        Message message = Message.builder().type(Message.TYPE_DATA).directive(Message.DIRECTIVE_HEARTBEAT)
                .sent(Instant.parse("2026-11-26T10:09:35.934247032Z")).build();
        assertThat(Json.readTree(Json.write(message)).get("sent").asText()).isEqualTo("2026-11-26T10:09:35.934247032Z");
    }

    @Test
    void messageBuilderFillsWhatUpstreamAlwaysSends() {
        Instant before = Instant.now().minusSeconds(1);
        Message message = Message.builder().type(Message.TYPE_DATA).directive(Message.DIRECTIVE_DEVICE)
                .content(DeviceConfigurationMessage.builder().deviceId("d").build()).build();

        assertThat(message.version()).isEqualTo(Message.VERSION);
        assertThat(message.messageId()).matches("[0-9a-f-]{36}");
        assertThat(message.sent()).isAfter(before);
        assertThat(message.sent().getNano() % 1_000_000).isZero();
        assertThat(message.contentAs(DeviceConfigurationMessage.class).deviceId()).isEqualTo("d");
        assertThat(message.toBuilder().build()).isEqualTo(message);

        MessageResponse answer = MessageResponse.answering(
                Message.builder().type(Message.TYPE_DATA).messageId("m1").directive(Message.DIRECTIVE_REGISTRATION).build(),
                new RegistrationResponse("PEM"));
        assertThat(Json.writeString(answer))
                .isEqualTo("{\"message_id\":\"m1\",\"directive\":\"registration\",\"content\":{\"certificate\":\"PEM\"}}");
        assertThat(answer.contentAs(RegistrationResponse.class).certificate()).isEqualTo("PEM");
    }

    @Test
    void recordsAreImmutableAndKeepNullElements() {
        List<String> flags = new ArrayList<>(List.of("a"));
        flags.add(null);
        Cpu cpu = new Cpu("x86_64", null, null, null, flags);
        flags.clear();

        assertThat(cpu.flags()).containsExactly("a", null);
        assertThatThrownBy(() -> cpu.flags().add("b")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void secretsStayOutOfToString() {
        assertThat(new S3StorageConfiguration("h", 1, "b", "r", "AKID", "s3cr3t", "CA").toString())
                .doesNotContain("s3cr3t").contains("AKID");
        assertThat(new Secret("n", "{\"password\":\"pw\"}").toString()).doesNotContain("pw");
        assertThat(new ImageRegistries("{\"auths\":{}}").toString()).doesNotContain("auths");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertInvalid(ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call)
                .isInstanceOf(FlottaException.class)
                .hasMessageContaining(messagePart)
                .extracting(e -> ((FlottaException) e).code())
                .isEqualTo(FlottaException.Code.INVALID_ARGUMENT);
    }
}
