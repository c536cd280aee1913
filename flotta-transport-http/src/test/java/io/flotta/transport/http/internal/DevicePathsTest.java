package io.flotta.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.transport.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DevicePathsTest {

    @ParameterizedTest
    @EnumSource(Route.class)
    void pathsRoundTrip(Route route) {
        for (String id : new String[] {"7ca12aeb-fe05-49c1-82e9-5e0e58405901", "odd id", "ü~._-", "a+b&c?d#e"}) {
            String path = DevicePaths.path(route, id);
            assertThat(DevicePaths.match(path)).contains(new DevicePaths.Match(route, id));
        }
    }

    @Test
    void pathsAreUpstreams() {
        assertThat(DevicePaths.path(Route.DATA_IN, "d1")).isEqualTo("/api/flotta-management/v1/data/d1/in");
        assertThat(DevicePaths.path(Route.DATA_OUT, "d1")).isEqualTo("/api/flotta-management/v1/data/d1/out");
        assertThat(DevicePaths.path(Route.CONTROL_IN, "d1")).isEqualTo("/api/flotta-management/v1/control/d1/in");
        assertThat(DevicePaths.path(Route.CONTROL_OUT, "d1")).isEqualTo("/api/flotta-management/v1/control/d1/out");
        assertThat(DevicePaths.method(Route.DATA_IN)).isEqualTo("GET");
        assertThat(DevicePaths.method(Route.CONTROL_OUT)).isEqualTo("POST");
    }

    @Test
    void partlyDecodedSegmentsAreDecoded() {
        // Jetty's canonical path leaves non-ASCII decoded and reserved characters escaped
        assertThat(DevicePaths.match("/api/flotta-management/v1/data/odd%20id%20ü/in"))
                .contains(new DevicePaths.Match(Route.DATA_IN, "odd id ü"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/api/flotta-management/v1", "/api/flotta-management/v1/",
            "/api/flotta-management/v1/data/x", "/api/flotta-management/v1/data//in", "/api/flotta-management/v1/data/x/in/",
            "/api/flotta-management/v1/data/x/up", "/api/flotta-management/v1/config/x/in",
            "/api/flotta-management/v1/data/a%2Fb/in", "/api/flotta-management/v1/data/%zz/in",
            "/api/flotta-management/v1/data/%C3%28/in", "/api/flotta-management/v1/data/%4/in",
            "/api/flotta-management/v10/data/x/in"})
    void otherPathsDoNotMatch(String path) {
        assertThat(DevicePaths.match(path)).isEmpty();
    }
}
