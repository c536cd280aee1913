package io.flotta.runtime.podman.internal;

import io.flotta.spi.runtime.WorkloadPhase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PodInfoTest {

    /** Shaped like podman 4.3's {@code pod ps --format json}. */
    private static final String PODS = "[{\"Cgroup\":\"/libpod_parent\",\"Containers\":["
            + "{\"Id\":\"c1\",\"Names\":\"web-app\",\"Status\":\"running\"},"
            + "{\"Id\":\"c2\",\"Names\":\"web-side\",\"Status\":\"exited\"},"
            + "{\"Id\":\"infra\",\"Names\":\"8fcd99344a83-infra\",\"Status\":\"running\"}],"
            + "\"Created\":\"2026-11-26T10:50:51.784497624Z\",\"Id\":\"p1\",\"InfraId\":\"infra\",\"Name\":\"web\","
            + "\"Status\":\"Degraded\",\"Labels\":{\"io.flotta/managed\":\"true\",\"io.flotta/workload\":\"web\","
            + "\"io.flotta/owner\":\"me\",\"io.flotta/hash\":\"abc\"}},"
            + "{\"Containers\":[],\"Created\":\"2026-11-26T10:50:51Z\",\"Id\":\"p2\",\"Name\":\"other\",\"Status\":\"Running\","
            + "\"Labels\":null}]";

    @Test
    void parsesPodsWithoutTheInfraContainer() {
        List<PodInfo> pods = PodInfo.parseList(PODS);

        assertThat(pods).hasSize(2);
        PodInfo web = pods.get(0);
        assertThat(web.managed()).isTrue();
        assertThat(web.hash()).isEqualTo("abc");
        assertThat(web.ownedBy("me")).isTrue();
        assertThat(web.ownedBy("someone-else")).isFalse();
        assertThat(web.workload()).isEqualTo("web");
        assertThat(web.created()).isEqualTo(Instant.parse("2026-11-26T10:50:51.784497624Z"));
        assertThat(web.containers()).extracting(PodInfo.ContainerInfo::id).containsExactly("c1", "c2");
        assertThat(web.phase()).isEqualTo(WorkloadPhase.RUNNING);
        assertThat(web.message()).isEqualTo("degraded: side exited");
        assertThat(pods.get(1).managed()).isFalse();
        assertThat(pods.get(1).ownedBy("")).as("an unlabelled pod is nobody's").isFalse();
        assertThat(PodInfo.parseList("")).isEmpty();
    }

    @Test
    void mapsPodStatusesToPhases() {
        assertThat(phase("Running")).isEqualTo(WorkloadPhase.RUNNING);
        assertThat(phase("Created")).isEqualTo(WorkloadPhase.CREATED);
        assertThat(phase("Exited")).isEqualTo(WorkloadPhase.EXITED);
        assertThat(phase("Stopped")).isEqualTo(WorkloadPhase.STOPPED);
        assertThat(phase("Paused")).isEqualTo(WorkloadPhase.STOPPED);
        assertThat(phase("Error")).isEqualTo(WorkloadPhase.FAILED);
        assertThat(phase("Dead")).isEqualTo(WorkloadPhase.FAILED);
        assertThat(phase("Something new")).isEqualTo(WorkloadPhase.UNKNOWN);
    }

    private static WorkloadPhase phase(String status) {
        return new PodInfo("id", "n", status, null, java.util.Map.of(), List.of()).phase();
    }
}
