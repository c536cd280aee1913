package io.flotta.runtime.podman.internal;

import io.flotta.spi.runtime.WorkloadEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostPortsTest {

    @Test
    void aMissingNftIsAWarningNotAFailure() {
        List<WorkloadEvent> warnings = new ArrayList<>();
        HostPorts ports = new HostPorts("/nonexistent/nft", "flotta", "input", warnings::add);

        ports.open("web", List.of(new HostPort("tcp", 8080, "")));

        assertThat(warnings).singleElement().satisfies(event -> {
            assertThat(event.workload()).isEqualTo("web");
            assertThat(event.warning()).isTrue();
            assertThat(event.reason()).isEqualTo("HostPortsFailed");
            assertThat(event.message()).contains("8080").contains("/nonexistent/nft");
        });
        assertThat(ports.opened("web")).isEmpty();
    }

    @Test
    void disabledMeansNoFirewallChangesAndNoWarnings() {
        List<WorkloadEvent> warnings = new ArrayList<>();
        HostPorts ports = new HostPorts("", "flotta", "input", warnings::add);

        ports.open("web", List.of(new HostPort("tcp", 8080, "")));
        ports.close("web");

        assertThat(ports.enabled()).isFalse();
        assertThat(warnings).isEmpty();
    }
}
