package io.flotta.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.agent.Agent;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.DeploymentView;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.LoggingRuntime;
import io.flotta.examples.SampleWorkload;
import io.flotta.examples.cli.FlottaCli;
import io.flotta.examples.testing.Polling;
import io.flotta.spi.runtime.WorkloadRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples docs/embedding.md and README.md show, run: each does what the docs say it does. */
class EmbeddingSamplesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void anAssembledControlPlaneServesAnAgentTheAdminApiAndTheJavaApi() throws Exception {
        try (ControlPlaneAssembly cp = new ControlPlaneAssembly(dir.resolve("cp"), 0, 0)) {
            BootstrapBundle.issue(cp.certificateAuthority(), cp.deviceUrl(), Duration.ofDays(1)).write(dir.resolve("bundle"));
            try (Agent agent = QuickStart.agent(dir.resolve("bundle"), dir.resolve("agent"), "log")) {
                Polling.await("the device to register", WAIT, () -> cp.controlPlane().devices().stream().findFirst());
                String id = agent.deviceId();

                // the admin credential the sample wrote is what `flotta get` reads
                StringWriter out = new StringWriter();
                var cli = FlottaCli.commandLine();
                cli.setOut(new PrintWriter(out, true));
                assertThat(cli.execute("get", "devices", "--admin-dir", dir.resolve("cp").toString())).isZero();
                assertThat(out.toString()).contains(id);

                DeploymentSpec web = new DeploymentSpec(id, null, "pod", SampleWorkload.pod(18080, "hi"), null, null,
                        null, null, null);
                ControlPlaneAssembly.manage(cp.controlPlane(), web);

                assertThat(cp.controlPlane().device("default", id).orElseThrow().labels()).containsEntry("site", "lab");
                assertThat(cp.controlPlane().deployments()).extracting(DeploymentView::name).doesNotContain("web");
            }
        }
    }

    @Test
    void theQuickStartControlPlaneWritesABundleAppliesItsDeploymentAndBacksUpDaily() throws Exception {
        DeploymentSpec web = SampleWorkload.deployment(Map.of(), 18081, "hello");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (EmbeddedControlPlane cp = QuickStart.controlPlane(dir.resolve("data"), 0, web)) {
            assertThat(BootstrapBundle.read(dir.resolve("data/bootstrap")).server()).isEqualTo(cp.deviceUrl());
            assertThat(cp.controlPlane().deployments()).extracting(DeploymentView::name).containsExactly("web");

            ScheduledFuture<?> daily = Backups.daily(cp, dir.resolve("backups"), scheduler);
            // no directory made beforehand: the first backup, at once, creates it
            Path backup = Polling.await("today's backup", WAIT, () -> {
                try (var files = Files.list(dir.resolve("backups"))) {
                    return files.filter(f -> f.getFileName().toString().matches("flotta-\\d{4}-\\d\\d-\\d\\d\\.db"))
                            .findFirst();
                } catch (java.io.IOException e) {
                    return Optional.empty();
                }
            });
            daily.cancel(false);
            assertThat(Files.size(backup)).isPositive();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void providersAreSelectedByNameByConfigurationOrByHand() throws Exception {
        assertThat(ProviderSelection.handPicked()).isInstanceOf(LoggingRuntime.Provider.class);
        try (WorkloadRuntime runtime = ProviderSelection.runtime("log", dir)) {
            assertThat(runtime).isInstanceOf(LoggingRuntime.class);
        }
    }
}
