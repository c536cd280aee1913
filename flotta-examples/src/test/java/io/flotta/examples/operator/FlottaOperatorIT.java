package io.flotta.examples.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.examples.cli.AgentCommand;
import io.flotta.examples.cli.FlottaCli;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.examples.testing.Polling;
import io.flotta.k8s.KubeCluster;
import io.flotta.k8s.KubernetesControllers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator as users run it, against a real API server: two operator JVMs (one leads), agents
 * in their own JVMs pairing through the follower's device API, and everything else done with
 * {@code kubectl}. The steps build on each other, so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlottaOperatorIT {

    static final String NS = "flotta";
    static final Path K8S = Path.of("..", "flotta-k8s").toAbsolutePath().normalize();
    static final Pattern DEVICE_API = Pattern.compile("device API on (https://\\S+),");
    static final List<String> JVM = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    static final List<String> AGENT_JVM = List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    @RegisterExtension
    static final KubeCluster KUBE = new KubeCluster("operator");

    @TempDir
    static Path dir;

    static ChildJvm leader;
    static ChildJvm follower;
    static final List<ChildJvm> agents = new ArrayList<>();
    static ChildJvm north;
    static ChildJvm south;
    static ChildJvm east;

    @BeforeAll
    static void installClaimCrd() {
        KUBE.kubectl("apply", "-f", K8S.resolve("src/test/resources/crds/objectbucketclaims.objectbucket.io.yaml").toString());
        KUBE.kubectl("wait", "--for", "condition=established", "--timeout=60s", "crd", "objectbucketclaims.objectbucket.io");
    }

    @AfterAll
    static void stopEverything() {
        agents.forEach(ChildJvm::close);
        for (ChildJvm operator : new ChildJvm[] {follower, leader}) {
            if (operator != null) {
                operator.close();
            }
        }
    }

    @Test
    @Order(1)
    void generatedCrdsSamplesAndManifestsApplyAndKubectlShowsThePrinterColumns() {
        KUBE.kubectl("apply", "-f", K8S.resolve("target/classes/META-INF/fabric8").toString());
        KUBE.kubectl("apply", "-f", K8S.resolve("src/main/resources/samples").toString());
        KUBE.kubectl("apply", "-f", K8S.resolve("deploy").toString());

        String table = KUBE.kubectl("get", "edgedevices", "-n", "default");
        assertThat(table.lines().findFirst().orElseThrow()).contains("NAME", "STATE", "AGENT", "VERSION", "REGISTERED", "AGE");
        assertThat(table).contains("sample-device");
        assertThat(KUBE.kubectl("get", "edgedeployments", "-n", "default").lines().findFirst().orElseThrow())
                .contains("NAME", "TYPE", "DEVICE", "AGE");
        assertThat(KUBE.kubectl("get", "edsr", "-n", "default").lines().findFirst().orElseThrow())
                .contains("APPROVED", "TARGET NAMESPACE", "REQUESTED");
        assertThat(KUBE.kubectl("get", "deployment", "flotta-operator", "-n", NS, "-o", "jsonpath={.spec.replicas}"))
                .isEqualTo("2");
        for (String[] can : new String[][] {{"create", "objectbucketclaims.objectbucket.io"}, {"update", "leases.coordination.k8s.io"},
                {"get", "secrets"}, {"get", "configmaps"}, {"update", "edgedevices.management.project-flotta.io"},
                {"update", "edgedevices.management.project-flotta.io/status"}, {"delete", "edgedevicesignedrequests.management.project-flotta.io"}}) {
            assertThat(KUBE.kubectl("auth", "can-i", can[0], can[1], "-n", NS,
                    "--as", "system:serviceaccount:flotta:flotta-control-plane").strip()).as(String.join(" ", can)).isEqualTo("yes");
        }
    }

    @Test
    @Order(2)
    void twoOperatorsStartAndExactlyOneLeads() {
        leader = operator("op-a", null);
        leader.awaitLine(Pattern.compile("op-a leads flotta/flotta-controllers"), Duration.ofSeconds(60));
        follower = operator("op-b", dir.resolve("bundle"));
        follower.awaitLine(DEVICE_API, Duration.ofSeconds(60));
        Polling.pause(Duration.ofSeconds(3));
        assertThat(follower.linesMatching(Pattern.compile("op-b leads"))).isEmpty();
        assertThat(KUBE.kubectl("get", "lease", "flotta-controllers", "-n", NS, "-o", "jsonpath={.spec.holderIdentity}"))
                .isEqualTo("op-a");
    }

    @Test
    @Order(3)
    void agentsPairThroughTheFollowersDeviceApiOnceKubectlPatchApprovesThem() {
        north = agent("op-north");
        south = agent("op-south");
        east = agent("op-east");
        for (String id : List.of("op-north", "op-south", "op-east")) {
            await(() -> kubectlOrEmpty("get", "edsr", id, "-o", "jsonpath={.spec.approved}"), "false"::equals);
        }
        north.awaitLine(Pattern.compile("enrolment of op-north awaits approval"), Duration.ofSeconds(30));
        Polling.pause(Duration.ofSeconds(2));
        assertThat(kubectl("get", "edgedevices", "-o", "name")).as("no device before approval").doesNotContain("edgedevice");

        for (String id : List.of("op-north", "op-south", "op-east")) {
            kubectl("patch", "edsr", id, "--type", "merge", "-p", "{\"spec\":{\"approved\":true}}");
        }
        for (ChildJvm agent : List.of(north, south, east)) {
            agent.awaitLine(Pattern.compile("applied configuration"), Duration.ofSeconds(60));
        }
        String row = await(() -> kubectl("get", "edgedevices"), t -> t.contains("op-north") && t.contains("online"));
        System.out.println(row);
        assertThat(kubectl("get", "edgedevice", "op-north", "-o", "jsonpath={.metadata.labels}"))
                .contains("device.hostname", "device.cpu-architecture");
        assertThat(kubectl("get", "edgedevice", "op-north", "-o", "jsonpath={.status.hardware.hostname}")).isNotBlank();
        await(() -> kubectl("get", "edgedevice", "op-north", "-o", "jsonpath={.status.agentStatus}"), s -> !s.isBlank());
    }

    @Test
    @Order(4)
    void aDeploymentWithInAndNotInReachesExactlyTheSelectedAgentsAndFollowsLabels() {
        kubectl("label", "edgedevice", "op-north", "zone=north", "tier=edge");
        kubectl("label", "edgedevice", "op-south", "zone=south", "tier=edge");
        kubectl("label", "edgedevice", "op-east", "zone=east", "tier=core");
        int northFrom = north.lineCount();
        long applied = System.nanoTime();
        KUBE.kubectlWithInput("""
                apiVersion: management.project-flotta.io/v1alpha1
                kind: EdgeDeployment
                metadata: {name: web, namespace: flotta}
                spec:
                  type: pod
                  deviceSelector:
                    matchLabels: {tier: edge}
                    matchExpressions:
                    - {key: zone, operator: In, values: [north, east]}
                    - {key: zone, operator: NotIn, values: [south]}
                  pod: {spec: {containers: [{name: web, image: localhost/flotta/httpd:latest}]}}
                """, "apply", "-f", "-");

        ChildJvm.Line ran = north.awaitLine(northFrom, Pattern.compile("would run workload web"), Duration.ofSeconds(30));
        System.out.printf("kubectl apply -> agent applied the deployment: %d ms%n", (ran.nanoTime() - applied) / 1_000_000);
        String phase = await(() -> kubectl("get", "edgedevice", "op-north", "-o", "jsonpath={.status.workloads[?(@.name==\"web\")].phase}"),
                p -> !p.isBlank());
        assertThat(phase).isIn("Deploying", "Running", "Created");
        Polling.pause(Duration.ofSeconds(2));
        assertThat(south.linesMatching(Pattern.compile("would run workload web"))).isEmpty();
        assertThat(east.linesMatching(Pattern.compile("would run workload web"))).isEmpty();
        assertThat(kubectl("get", "edgedevice", "op-south", "-o", "jsonpath={.status.workloads}")).isIn("", "[]");
        assertThat(kubectl("get", "edgedevice", "op-east", "-o", "jsonpath={.status.workloads}")).isIn("", "[]");

        kubectl("label", "edgedevice", "op-north", "zone=south", "--overwrite");
        north.awaitLine(ran.index(), Pattern.compile("would remove workload web"), Duration.ofSeconds(30));
        await(() -> kubectl("get", "edgedevice", "op-north", "-o", "jsonpath={.status.workloads}"), w -> w.isEmpty() || w.equals("[]"));
    }

    @Test
    @Order(5)
    void unchangedHeartbeatsWriteNothingToTheApiServer() {
        // agents heartbeat every 2 s: wait until their reports of the last changes are written (two
        // heartbeats without a write), then count the writes heartbeats cause
        Polling.await("two heartbeat periods without a write to a device", Duration.ofSeconds(30), Duration.ofMillis(10), () -> {
            long writes = deviceWrites("PUT");
            Polling.pause(Duration.ofSeconds(4));
            return deviceWrites("PUT") == writes ? Optional.of(true) : Optional.empty();
        });
        long before = deviceWrites("PUT");
        long patchesBefore = deviceWrites("PATCH");
        String statusBefore = kubectl("get", "edgedevices", "-o", "jsonpath={range .items[*]}{.status}{\"\\n\"}{end}");
        Polling.pause(Duration.ofSeconds(20));
        String statusAfter = kubectl("get", "edgedevices", "-o", "jsonpath={range .items[*]}{.status}{\"\\n\"}{end}");
        long writes = deviceWrites("PUT") - before;
        long patches = deviceWrites("PATCH") - patchesBefore;
        System.out.printf("API-server writes to EdgeDevices during ~30 heartbeats of 3 agents: %d, plus %d last-seen"
                + " annotation patches (one per device per 5 s flush)%n", writes, patches);
        assertThat(writes).as("status before:%n%s%nafter:%n%s", statusBefore, statusAfter).isZero();
        assertThat(patches).as("at most one per device and flush").isLessThanOrEqualTo(3 * (20 / 5 + 1));
        assertThat(KUBE.kubectl("get", "edgedevices", "-n", NS)).doesNotContain("offline");
    }

    @Test
    @Order(6)
    void aDeviceSetRequestingStorageGetsItsMembersABucketClaimRecordedInStatus() {
        KUBE.kubectlWithInput("""
                apiVersion: management.project-flotta.io/v1alpha1
                kind: EdgeDeviceSet
                metadata: {name: with-storage, namespace: flotta}
                spec:
                  requestStorage: true
                  configuration: {heartbeat: {period_seconds: 3}}
                """, "apply", "-f", "-");
        kubectl("label", "edgedevice", "op-east", "flotta/member-of=with-storage");

        await(() -> kubectlOrEmpty("get", "edgedevice", "op-east", "-o", "jsonpath={.status.storageClaim}"), "op-east"::equals);
        assertThat(kubectl("get", "objectbucketclaims", "-o", "name")).contains("op-east");
        assertThat(kubectl("get", "objectbucketclaim", "op-east", "-o", "jsonpath={.spec.storageClassName}")).isEqualTo("test-buckets");
    }

    @Test
    @Order(7)
    void theFollowerTakesOverWhenTheLeaderStopsAndFinalizesADeletedDevice() {
        long stopping = System.nanoTime();
        leader.stop(Duration.ofSeconds(30));
        follower.awaitLine(Pattern.compile("op-b leads flotta/flotta-controllers"), Duration.ofSeconds(30));
        System.out.printf("leadership moved to the other operator %d ms after the leader was told to stop%n",
                (System.nanoTime() - stopping) / 1_000_000);

        kubectl("delete", "edgedevice", "op-south", "--wait=false");

        south.awaitLine(Pattern.compile("device op-south was deleted by the control plane"), Duration.ofSeconds(30));
        assertThat(south.awaitExit(Duration.ofSeconds(30))).isEqualTo(AgentCommand.EXIT_DISCONNECTED);
        await(() -> kubectl("get", "edgedevices", "-o", "name"), out -> !out.contains("op-south"));
        assertThat(kubectl("get", "edsr", "-o", "name")).doesNotContain("op-south");
        assertThat(kubectl("get", "edgedevicetombstones", "-o", "name")).contains("op-south");
        assertThat(kubectl("get", "edgedevice", "op-north", "-o", "jsonpath={.metadata.finalizers}"))
                .contains(KubernetesControllers.FINALIZER);
    }

    private static ChildJvm operator(String identity, Path bundle) {
        List<String> args = new ArrayList<>(List.of("--kubeconfig", KUBE.kubeconfig().toString(), "--namespace", NS,
                "--listen", "127.0.0.1:0", "--identity", identity, "--manual-approval", "--heartbeat-seconds", "2",
                "--last-seen-flush-seconds", "5",
                "--bucket-storage-class", "test-buckets", "--work-dir", dir.resolve(identity).toString()));
        if (bundle != null) {
            args.addAll(List.of("--bootstrap-bundle", bundle.toString()));
        }
        return ChildJvm.start(identity, JVM, FlottaOperator.class, args);
    }

    private static ChildJvm agent(String id) {
        ChildJvm agent = ChildJvm.start(id, AGENT_JVM, FlottaCli.class, List.of("agent", "--bundle",
                dir.resolve("bundle").toString(), "--state-dir", dir.resolve("agent-" + id).toString(), "--runtime", "log",
                "--device-id", id, "--max-backoff-seconds", "2"));
        agents.add(agent);
        return agent;
    }

    private static String kubectl(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-n", NS));
        return KUBE.kubectl(all.toArray(String[]::new)).strip();
    }

    /** {@link #kubectl}, or empty when it fails (e.g. the resource does not exist yet). */
    private static String kubectlOrEmpty(String... args) {
        try {
            return kubectl(args);
        } catch (IllegalStateException e) {
            return "";
        }
    }

    /** Write requests the API server served for EdgeDevices (and their status), by verb. */
    private static long deviceWrites(String verb) {
        Matcher m = Pattern.compile("(?m)^apiserver_request_total\\{([^}]*)\\}\\s+(\\S+)$")
                .matcher(KUBE.kubectl("get", "--raw", "/metrics"));
        long total = 0;
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("resource=\"edgedevices\"") && labels.contains("verb=\"" + verb + "\"")) {
                total += (long) Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static <T> T await(Supplier<T> probe, Predicate<T> done) {
        return Polling.await("a condition", Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
            T value = probe.get();
            return done.test(value) ? Optional.of(value) : Optional.empty();
        });
    }
}
