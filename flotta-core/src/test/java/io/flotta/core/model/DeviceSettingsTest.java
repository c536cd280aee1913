package io.flotta.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.spi.FlottaException;
import org.junit.jupiter.api.Test;

class DeviceSettingsTest {

    @Test
    void aSetOverridesTheDevicesKeysAndMergesTheHeartbeat() {
        DeviceSettings device = DeviceSettings.read("""
                {"configuration": {"heartbeat": {"period_seconds": 30, "hardware_profile": {"include": false}},
                                   "metrics": {"retention": {"max_hours": 1}}},
                 "requestStorage": false}""");
        DeviceSettings set = DeviceSettings.read("""
                {"configuration": {"heartbeat": {"period_seconds": 5}, "log-collection": {"syslog": {"kind": "syslog"}}},
                 "requestStorage": true}""");

        DeviceSettings effective = device.overriddenBy(set);

        assertThat(effective.heartbeatPeriodSeconds(60)).isEqualTo(5);
        assertThat(effective.configuration().at("/heartbeat/hardware_profile/include").asBoolean(true)).isFalse();
        assertThat(effective.configuration().at("/metrics/retention/max_hours").asInt()).isEqualTo(1);
        assertThat(effective.configuration().has("log-collection")).isTrue();
        assertThat(effective.storageRequested()).isTrue();
        assertThat(device.heartbeatPeriodSeconds(60)).as("the device's own settings are not changed").isEqualTo(30);
    }

    @Test
    void aSetWithoutAStorageRequestKeepsTheDevices() {
        DeviceSettings device = DeviceSettings.read("{\"requestStorage\": true}");
        assertThat(device.overriddenBy(DeviceSettings.none()).storageRequested()).isTrue();
        assertThat(DeviceSettings.read("").storageRequested()).isFalse();
        assertThat(DeviceSettings.read("{}").heartbeatPeriodSeconds(60)).isEqualTo(60);
    }

    @Test
    void appliedOverridesKeepTheDefaultHardwareProfile() {
        ObjectNode configuration = JsonNodeFactory.instance.objectNode();
        configuration.putObject("heartbeat").put("period_seconds", 60).putObject("hardware_profile").put("include", true);

        DeviceSettings.read("{\"configuration\": {\"heartbeat\": {\"period_seconds\": 15}, \"os\": {\"automatic_upgrade\": true}}}")
                .applyTo(configuration);

        assertThat(configuration.at("/heartbeat/period_seconds").asInt()).isEqualTo(15);
        assertThat(configuration.at("/heartbeat/hardware_profile/include").asBoolean()).isTrue();
        assertThat(configuration.at("/os/automatic_upgrade").asBoolean()).isTrue();
    }

    @Test
    void invalidSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> DeviceSettings.read("{\"configuration\": {\"storage\": {}}}"))
                .isInstanceOf(FlottaException.class).hasMessageContaining("configuration.storage");
        assertThatThrownBy(() -> DeviceSettings.read("{\"configuration\": {\"heartbeat\": {\"period_seconds\": 0}}}"))
                .isInstanceOf(FlottaException.class).hasMessageContaining("configuration.heartbeat.period_seconds");
        assertThatThrownBy(() -> DeviceSettings.read("{\"configuration\": {\"heartbeat\": {\"hardware_profile\": null}}}"))
                .isInstanceOf(FlottaException.class).hasMessageContaining("configuration.heartbeat.hardware_profile");
    }
}
