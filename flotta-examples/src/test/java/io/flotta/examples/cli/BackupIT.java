package io.flotta.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.agent.Agent;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.controlplane.DeploymentView;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.examples.EmbeddedControlPlane;
import io.flotta.examples.LoggingRuntime;
import io.flotta.examples.SampleWorkload;
import io.flotta.examples.testing.Polling;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.transport.TransportClientProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flotta backup} against a live control plane whose store is being written to (a device
 * heartbeating, deployments being created), then the documented restore: the CA directory copied,
 * the backup put in place as {@code store/flotta.db}, a fresh control plane started on it.
 */
class BackupIT {

    private static final String DEVICE = "backup-device-1";

    @TempDir
    Path dir;

    @Test
    void aBackupOfALiveControlPlaneRestoresItsDevicesAndDeployments() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("flotta-backup.db");
        List<DeviceView> devicesBefore;
        int deploymentsAtBackup;
        ControlPlaneOptions options = ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(1)).build();
        try (EmbeddedControlPlane server = EmbeddedControlPlane.builder().dataDirectory(data).port(0).adminPort(0)
                .embeddedObjectStore(false).options(options).start()) {
            server.writeAdminCredentials(data);
            server.writeBootstrapBundle(dir.resolve("bundle"));
            WorkloadRuntime runtime = new LoggingRuntime.Provider().create(ProviderConfig.of(dir.resolve("runtime")));
            Agent agent = Agent.builder().bootstrap(BootstrapBundle.read(dir.resolve("bundle")))
                    .stateDirectory(dir.resolve("agent")).deviceId(DEVICE)
                    .transport(ProviderRegistry.discover(TransportClientProvider.class).select("http"))
                    .runtime(runtime).backoff(Duration.ofMillis(100), Duration.ofMillis(500)).build();
            agent.start();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger applied = new AtomicInteger();
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    server.controlPlane().applyDeployment("default", String.format("app-%04d", applied.get()),
                            deployment(DEVICE));
                    applied.incrementAndGet();
                }
            });
            try {
                Polling.await("the device to register", Duration.ofSeconds(30),
                        () -> server.controlPlane().device("default", DEVICE));
                writer.start();
                Polling.await("deployments being written", Duration.ofSeconds(30),
                        () -> applied.get() >= 20 ? Optional.of(true) : Optional.empty());

                Result r = run("backup", backup.toString(), "--admin-dir", data.toString());

                assertThat(r.exitCode()).as(r.toString()).isZero();
                assertThat(r.out()).contains("store backed up to " + backup.toAbsolutePath(), "store/flotta.db");
                deploymentsAtBackup = applied.get();
                Result again = run("backup", backup.toString(), "--admin-dir", data.toString());
                assertThat(again.exitCode()).isEqualTo(1);
                assertThat(again.err()).contains(backup.toAbsolutePath() + " exists");
            } finally {
                stop.set(true);
                writer.join();
                agent.close();
                runtime.close();
            }
            devicesBefore = server.controlPlane().devices();
        }
        assertThat(backup).isRegularFile();
        assertThat(Files.readAllBytes(backup)).startsWith("SQLite format 3\0".getBytes());
        assertThat(dir).isDirectoryNotContaining("glob:**.partial");

        Path restored = dir.resolve("restored");
        copyTree(data.resolve("ca"), restored.resolve("ca"));
        Files.createDirectories(restored.resolve("store"));
        Files.copy(backup, restored.resolve("store").resolve("flotta.db"));
        try (EmbeddedControlPlane server = EmbeddedControlPlane.builder().dataDirectory(restored).port(0)
                .embeddedObjectStore(false).options(options).start()) {
            DeviceView device = server.controlPlane().device("default", DEVICE).orElseThrow();
            assertThat(device.id()).isEqualTo(devicesBefore.get(0).id());
            List<String> names = server.controlPlane().deployments().stream().map(DeploymentView::name)
                    .sorted(Comparator.naturalOrder()).toList();
            // written in order by one thread: the copy holds a prefix, at least what was there when it was asked for
            assertThat(names.size()).isGreaterThanOrEqualTo(20).isLessThanOrEqualTo(deploymentsAtBackup + 1);
            for (int i = 0; i < names.size(); i++) {
                assertThat(names.get(i)).isEqualTo(String.format("app-%04d", i));
            }
            // the same CA: what it issued before the backup still verifies
            assertThat(server.certificateAuthority().trustAnchors()).hasSize(1);
            assertThat(server.certificateAuthority().issued(BootstrapBundle.read(dir.resolve("bundle"))
                    .registration().leaf())).isTrue();
        }
    }

    private static DeploymentSpec deployment(String device) {
        return new DeploymentSpec(device, null, "pod", SampleWorkload.pod(18080, "hello"), null, null, null, null,
                null);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = FlottaCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
