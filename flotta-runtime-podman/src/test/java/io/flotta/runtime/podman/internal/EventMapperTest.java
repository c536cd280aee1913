package io.flotta.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotta.spi.runtime.WorkloadEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Event lines shaped like podman 4.3's {@code events --format json}. */
class EventMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void startAndDeathOfOurContainersBecomeEvents() throws Exception {
        WorkloadEvent started = map(line("start", "", "web-app", "c1"), id -> false).orElseThrow();
        assertThat(started.workload()).isEqualTo("web");
        assertThat(started.reason()).isEqualTo("Started");
        assertThat(started.warning()).isFalse();
        assertThat(started.message()).isEqualTo("container app started");
        assertThat(started.time()).isEqualTo(Instant.parse("2026-11-26T10:53:41.625408481Z"));

        WorkloadEvent died = map(line("died", "\"ContainerExitCode\":137,", "web-app", "c1"), id -> false).orElseThrow();
        assertThat(died.reason()).isEqualTo("Died");
        assertThat(died.warning()).isTrue();
        assertThat(died.message()).isEqualTo("container app exited with code 137");

        WorkloadEvent finished = map(line("died", "\"ContainerExitCode\":0,", "web-app", "c1"), id -> false).orElseThrow();
        assertThat(finished.warning()).isFalse();
    }

    @Test
    void aDeathWeCausedIsAStop() throws Exception {
        WorkloadEvent stopped = map(line("died", "\"ContainerExitCode\":143,", "web-app", "c1"), "c1"::equals).orElseThrow();
        assertThat(stopped.reason()).isEqualTo("Stopped");
        assertThat(stopped.warning()).isFalse();
    }

    @Test
    void foreignAndUninterestingEventsAreDropped() throws Exception {
        String infra = "{\"ContainerExitCode\":137,\"ID\":\"i\",\"Image\":\"localhost/podman-pause:4.3.1-0\",\"Name\":\"8fcd-infra\","
                + "\"Status\":\"died\",\"Time\":\"2026-11-26T10:50:54.798812397Z\",\"Type\":\"container\","
                + "\"Attributes\":{\"io.buildah.version\":\"1.28.2\"}}";
        String pod = "{\"ID\":\"p\",\"Name\":\"web\",\"Status\":\"stop\",\"Time\":\"2026-11-26T10:50:54.7829018Z\","
                + "\"Type\":\"pod\",\"Attributes\":null}";
        assertThat(map(infra, id -> false)).isEmpty();
        assertThat(map(pod, id -> false)).isEmpty();
        assertThat(map(line("cleanup", "", "web-app", "c1"), id -> false)).isEmpty();
    }

    private static Optional<WorkloadEvent> map(String line, java.util.function.Predicate<String> stopping) throws Exception {
        JsonNode event = JSON.readTree(line);
        return EventMapper.map(event, stopping);
    }

    private static String line(String status, String extra, String name, String id) {
        return "{" + extra + "\"ID\":\"" + id + "\",\"Image\":\"localhost/flotta/httpd:latest\",\"Name\":\"" + name + "\","
                + "\"Status\":\"" + status + "\",\"Time\":\"2026-11-26T10:53:41.625408481Z\",\"Type\":\"container\","
                + "\"Attributes\":{\"app\":\"x\",\"io.flotta/managed\":\"true\",\"io.flotta/workload\":\"web\"}}";
    }
}
