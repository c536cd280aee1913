package io.flotta.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.agent.Agent;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.ControlPlaneOptions;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.storage.ObjectStorageProvider;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.storage.s3.S3ObjectStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on real components: the embedded control plane with its S3 server (HTTPS, SigV4),
 * an agent over mTLS running a podman workload that writes into {@code /export}, and the files in
 * the device's bucket under the workload's prefix, a changed file sent again.
 */
class WorkloadDataUploadIT {

    @TempDir
    Path dir;

    @Test
    void filesAPodmanWorkloadWritesArriveInItsDeviceBucket() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String deviceId = "s3-e2e-" + suffix;
        String workload = "writer-" + suffix;
        try (EmbeddedControlPlane embedded = EmbeddedControlPlane.builder().dataDirectory(dir.resolve("cp")).port(0)
                .options(ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(1)).build())
                .dataUploadInterval(Duration.ofSeconds(1)).start();
                WorkloadRuntime podman = ProviderRegistry.discover(WorkloadRuntimeProvider.class).select("podman")
                        .create(ProviderConfig.of(dir.resolve("runtime")));
                ObjectStorage deviceStorage = ProviderRegistry.discover(ObjectStorageProvider.class).select("s3")
                        .create(ProviderConfig.of(dir.resolve("agent-storage")))) {
            ControlPlane cp = embedded.controlPlane();
            S3ObjectStorage storage = embedded.objectStorage().orElseThrow();
            BootstrapBundle bundle = embedded.writeBootstrapBundle(dir.resolve("bootstrap"));
            Agent agent = Agent.builder().bootstrap(bundle).stateDirectory(dir.resolve("agent")).deviceId(deviceId)
                    .transport(ProviderRegistry.discover(TransportClientProvider.class).select("http"))
                    .runtime(podman).objectStorage(deviceStorage).longPoll(Duration.ofSeconds(2)).build();
            try {
                agent.start();
                String bucket = await("the device's bucket", () -> cp.device("default", deviceId)
                        .map(d -> d.status().storage()).filter(s -> s != null && s.hasNonNull("bucket_name"))
                        .map(s -> s.path("bucket_name").asText()));
                assertThat(bucket).isEqualTo("flotta-default-" + deviceId);

                cp.applyDeployment("default", workload, new DeploymentSpec(deviceId, null, "pod", pod(), null, null,
                        null, null, null));
                String first = await("the workload's file", () -> read(storage, bucket,
                        workload + "/readings/count.txt"));
                assertThat(first).contains(" from " + deviceId);
                int count = Integer.parseInt(first.substring(0, first.indexOf(' ')));
                assertThat(await("the file with a space and accents in its name", () -> read(storage, bucket,
                        workload + "/état final.txt"))).isEqualTo("done\n");
                // the workload rewrites the file every 2 s: each change is sent again
                await("the changed file sent again", () -> read(storage, bucket, workload + "/readings/count.txt")
                        .filter(s -> Integer.parseInt(s.substring(0, s.indexOf(' '))) >= count + 2));
                assertThat(storage.objects(bucket, workload + "/").keySet())
                        .containsExactly(workload + "/readings/count.txt", workload + "/état final.txt");
                await("last_data_upload in heartbeats", () -> cp.device("default", deviceId)
                        .flatMap(d -> d.status().workloads().stream()
                                .filter(w -> w.name().equals(workload) && w.lastDataUpload() != null).findFirst()));
            } finally {
                cp.deleteDeployment("default", workload);
                await("the workload removed", () -> podman.list().stream()
                        .noneMatch(w -> w.name().equals(workload)) ? Optional.of(true) : Optional.empty());
                agent.close();
            }
        }
    }

    /** A busybox container counting in /export/readings/count.txt every 2 s. */
    private static ObjectNode pod() {
        ObjectNode pod = JsonNodeFactory.instance.objectNode();
        ArrayNode containers = pod.putObject("spec").putArray("containers");
        ObjectNode c = containers.addObject();
        c.put("name", "counter");
        c.put("image", SampleWorkload.BUSYBOX_IMAGE);
        c.put("imagePullPolicy", "IfNotPresent");
        c.putArray("command").add("/bin/sh").add("-c").add("trap 'exit 0' TERM INT; mkdir -p /export/readings; "
                + "echo done > '/export/état final.txt'; i=1; while true; do "
                + "echo \"$i from $DEVICE_ID\" > /export/readings/count.txt; i=$((i+1)); sleep 2; done");
        return pod;
    }

    private static Optional<String> read(S3ObjectStorage storage, String bucket, String key) {
        try {
            return Optional.of(new String(storage.read(bucket, key), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

}
