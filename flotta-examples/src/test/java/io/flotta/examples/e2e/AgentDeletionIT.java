package io.flotta.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.examples.cli.AgentCommand;
import io.flotta.examples.testing.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A device deleted in the control plane is told to disconnect and cleans up after itself. */
class AgentDeletionIT extends E2eTestBase {

    @Test
    void deletedDeviceRemovesItsWorkloadsWipesItsStateAndExits() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().build());
        ChildJvm agent = env.startAgent("delete-1");
        agent.awaitLine(Pattern.compile("device delete-1 applied configuration"), Duration.ofSeconds(30));
        env.controlPlane().applyDeployment(E2eEnvironment.NAMESPACE, "doomed",
                E2eEnvironment.deploymentFor("delete-1", "soon gone"));
        agent.awaitLine(Pattern.compile("would run workload doomed"), Duration.ofSeconds(10));
        Path state = env.stateDirectory("delete-1");
        assertThat(state.resolve("device.pem")).exists();
        assertThat(state.resolve("configuration.json")).exists();
        assertThat(state.resolve("data").resolve("doomed")).isDirectory();

        long deletedAt = System.nanoTime();
        assertThat(env.controlPlane().deleteDevice(E2eEnvironment.NAMESPACE, "delete-1")).isTrue();

        agent.awaitLine(Pattern.compile("device delete-1 was deleted by the control plane"), Duration.ofSeconds(10));
        agent.awaitLine(Pattern.compile("would remove workload doomed"), Duration.ofSeconds(5));
        assertThat(agent.awaitExit(Duration.ofSeconds(15))).as("exit code").isEqualTo(AgentCommand.EXIT_DISCONNECTED);
        System.out.printf("device deletion: agent exited %d ms after the device was deleted%n",
                (System.nanoTime() - deletedAt) / 1_000_000);
        assertThat(list(state)).as("files left in the state directory").isEmpty();
        assertThat(agent.linesMatching(Pattern.compile("would remove workload doomed"))).hasSize(1);
        assertThat(agent.linesMatching(Pattern.compile("Exception"))).isEmpty();
        assertThat(env.controlPlane().devices()).isEmpty();
        assertThat(env.controlPlane().enrolmentRequests()).isEmpty();
    }

    private static List<Path> list(Path directory) {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(p -> !p.equals(directory)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
