package io.flotta.examples.podman;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.DeviceEvent;
import io.flotta.core.model.DeviceWorkloadStatus;
import io.flotta.core.model.LabelSelector;
import io.flotta.core.model.ModelJson;
import io.flotta.examples.SampleWorkload;
import io.flotta.examples.cli.FlottaCli;
import io.flotta.examples.testing.ChildJvm;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deployment workflow on real podman: a control plane in this JVM, an agent in a child JVM
 * ({@code flotta agent --runtime podman}) talking to it over mTLS, deployments placed by label
 * selector, and the pods checked with podman, nft and HTTP. Needs podman and the images of
 * {@code scripts/setup-podman.sh}; fails (never skips) without them.
 */
class PodmanDeploymentIT extends PodmanDeviceTestBase {

    private static final String RUN_LABEL = "e2e-run";
    private static final String STAGE_LABEL = "e2e-stage";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How long a SIGTERM-ed agent may take to shut down before it is killed. */
    private static final Duration AGENT_GRACE = Duration.ofSeconds(15);
    private static final List<String> AGENT_JVM = List.of("-Xmx128m",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            // PodmanCli logs each command's duration at debug: the per-pod costs come from there
            "-Dorg.slf4j.simpleLogger.log.io.flotta.runtime.podman.internal.PodmanCli=debug");
    private static final Pattern PODMAN_TIMING = Pattern.compile("podman (.+) -> exit (\\d+) in (\\d+) ms");

    /** Every start of this test's agent, in order: its output across restarts. */
    private final List<ChildJvm> agents = new ArrayList<>();
    private ChildJvm agent;

    PodmanDeploymentIT() {
        super("e2e", WAIT, Duration.ofMillis(50), 150);
    }

    @Override
    List<ChildJvm> processes() {
        return agents;
    }

    @BeforeEach
    void startControlPlaneAndAgent() {
        startControlPlane();
        long started = System.nanoTime();
        agent = startAgent();
        DeviceView device = awaitFirstHeartbeat("register", Duration.ofSeconds(60));
        System.out.printf("e2e pairing: agent JVM started -> registered and first heartbeat %d ms%n",
                ms(started, System.nanoTime()));
        relabel(Map.of(RUN_LABEL, run, STAGE_LABEL, "live"), device.labels());
    }

    @AfterEach
    void stopAgent() {
        if (agent != null) {
            agent.stopOrKill(AGENT_GRACE);
        }
    }

    // ---------------------------------------------------------------------------------------- tests

    @Test
    void aDeploymentBySelectorRunsOnTheDeviceAndAChangeReplacesThePod() {
        String name = workload("web");
        int port = Podman.freePort();

        long created = System.nanoTime();
        deploy(name, httpd(port, "first"));
        String page = awaitPage(port, "MESSAGE=first");
        long answered = System.nanoTime();
        assertThat(page).contains("DEVICE_ID=" + deviceId);
        awaitPhase(name, "Running");
        long reported = System.nanoTime();
        String firstPod = Podman.podId(name).orElseThrow();
        if (Podman.nftPresent()) {
            assertThat(Podman.nftTable()).contains("dport " + port).contains("flotta workload " + name);
        }
        // the runtime's own event travelled in a heartbeat
        assertThat(awaitEvent(name, "Started").message()).contains("container httpd started");
        assertThat(cp.deployments()).filteredOn(d -> d.name().equals(name)).singleElement()
                .satisfies(d -> assertThat(d.phases()).containsExactly(Map.entry("Running", 1)));

        long changed = System.nanoTime();
        deploy(name, httpd(port, "second"));
        awaitPage(port, "MESSAGE=second");
        long replaced = System.nanoTime();
        assertThat(Podman.podId(name)).as("a changed deployment gets a new pod").isPresent().get()
                .isNotEqualTo(firstPod);
        assertThat(awaitEvent(name, "Stopped").message()).as("the old container was stopped, not killed")
                .contains("container httpd stopped");
        assertThat(events(name, "Died")).as("no container died unexpectedly").isEmpty();
        awaitPhase(name, "Running");

        System.out.printf("e2e deploy: created -> answering %d ms, -> Running in the control plane %d ms; "
                + "changed -> new pod answering %d ms%n", ms(created, answered), ms(created, reported), ms(changed, replaced));
    }

    @Test
    void aDeviceRelabelledAwayOrADeletedDeploymentRemovesThePodAndClosesItsPort() {
        String name = workload("moving");
        int port = Podman.freePort();
        deploy(name, httpd(port, "here"));
        awaitPage(port, "MESSAGE=here");
        awaitPhase(name, "Running");

        long relabelled = System.nanoTime();
        relabel(Map.of(STAGE_LABEL, "retired"), device().labels());
        awaitRemoved(name, port);
        long removedAfterRelabel = System.nanoTime();
        assertThat(device().status().workloads()).extracting(DeviceWorkloadStatus::name).doesNotContain(name);
        assertThat(awaitEvent(name, "Removed").message()).contains("no longer configured");

        relabel(Map.of(STAGE_LABEL, "live"), device().labels());
        awaitPage(port, "MESSAGE=here");
        awaitPhase(name, "Running");

        long deleted = System.nanoTime();
        assertThat(cp.deleteDeployment(NS, name)).isTrue();
        awaitRemoved(name, port);
        long removedAfterDelete = System.nanoTime();
        await("a second Removed event", WAIT, () -> Optional.of(events(name, "Removed")).filter(l -> l.size() >= 2));

        System.out.printf("e2e remove: relabelled -> pod gone and port closed %d ms; deleted -> gone %d ms%n",
                ms(relabelled, removedAfterRelabel), ms(deleted, removedAfterDelete));
    }

    @Test
    void aKilledMainProcessIsReportedWithAnEventAndHandledPerRestartPolicy() {
        String once = workload("once");
        String always = workload("always");
        int oncePort = Podman.freePort();
        int alwaysPort = Podman.freePort();
        ObjectNode oncePod = httpd(oncePort, "once");
        ((ObjectNode) oncePod.get("spec")).put("restartPolicy", "Never");
        deploy(once, oncePod);
        deploy(always, httpd(alwaysPort, "always"));
        awaitPage(oncePort, "MESSAGE=once");
        awaitPage(alwaysPort, "MESSAGE=always");
        awaitPhase(once, "Running");
        awaitPhase(always, "Running");
        String alwaysPod = Podman.podId(always).orElseThrow();

        kill(Podman.containerPid(once, "httpd"));
        kill(Podman.containerPid(always, "httpd"));

        DeviceEvent died = awaitEvent(once, "Died");
        assertThat(died.type()).isEqualTo("warn");
        assertThat(died.message()).contains("container httpd exited with code 137");
        awaitPhase(once, "Exited");
        assertThat(Podman.listening(oncePort)).isFalse();

        assertThat(awaitEvent(always, "Died").message()).contains("137");
        assertThat(awaitEvent(always, "Restarted").message()).contains("restarted by its restart policy");
        awaitPage(alwaysPort, "MESSAGE=always");
        awaitPhase(always, "Running");
        assertThat(Podman.podId(always)).as("restarted in place").contains(alwaysPod);
    }

    @Test
    void invalidWorkloadsFailWithTheirReasonAndLeaveTheOthersRunning() {
        String good = workload("good");
        int port = Podman.freePort();
        deploy(good, httpd(port, "fine"));
        awaitPage(port, "MESSAGE=fine");
        awaitPhase(good, "Running");
        String goodPod = Podman.podId(good).orElseThrow();

        Map<String, String> reasons = new LinkedHashMap<>();
        String noImage = workload("no-image");
        deploy(noImage, pod("{\"containers\":[{\"name\":\"c\",\"image\":\"localhost/flotta/no-such-image:1\","
                + "\"imagePullPolicy\":\"Never\"}]}"));
        reasons.put(noImage, "image not known");
        String badPort = workload("bad-port");
        deploy(badPort, pod("{\"containers\":[{\"name\":\"c\",\"image\":\"" + Podman.BUSYBOX + "\","
                + "\"ports\":[{\"containerPort\":80,\"hostPort\":70000}]}]}"));
        reasons.put(badPort, "hostPort must be a port number");
        String noSecret = workload("no-secret");
        deploy(noSecret, pod("{\"containers\":[{\"name\":\"c\",\"image\":\"" + Podman.BUSYBOX + "\",\"env\":[{\"name\":"
                + "\"TOKEN\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"absent-secret\",\"key\":\"token\"}}}]}]}"));
        reasons.put(noSecret, "Secret 'absent-secret', which was not provided");
        String noConfigMap = workload("no-config");
        deploy(noConfigMap, pod("{\"containers\":[{\"name\":\"c\",\"image\":\"" + Podman.BUSYBOX + "\","
                + "\"envFrom\":[{\"configMapRef\":{\"name\":\"absent-config\"}}]}]}"));
        reasons.put(noConfigMap, "ConfigMap 'absent-config', which was not provided");
        // each new configuration retries the failed workloads, and a refused kube play leaves a pod for
        // a moment: the checks below start once the last configuration is applied
        agent.awaitLine(Pattern.compile("applied configuration \\S+ \\(" + (reasons.size() + 1) + " workload"), WAIT);

        reasons.forEach((name, reason) -> {
            awaitPhase(name, "Failed");
            DeviceEvent event = awaitEvent(name, "FailedToDeploy");
            assertThat(event.type()).isEqualTo("warn");
            assertThat(event.message()).contains(reason);
            assertThat(Podman.podId(name)).as("no pod is left for %s", name).isEmpty();
        });
        assertThat(cp.deployments()).filteredOn(d -> reasons.containsKey(d.name()))
                .allSatisfy(d -> assertThat(d.phases()).containsExactly(Map.entry("Failed", 1)));

        assertThat(Podman.podId(good)).as("the good workload's pod is untouched").contains(goodPod);
        assertThat(awaitPage(port, "MESSAGE=fine")).isNotEmpty();
        assertThat(phase(good)).isEqualTo("Running");
        for (String name : reasons.keySet()) {
            assertThat(events(name, "FailedToDeploy")).as("one FailedToDeploy event for %s, not one per configuration", name)
                    .hasSize(1);
        }
    }

    @Test
    void aRestartedAgentKeepsItsRunningPods() {
        String first = workload("keep-a");
        String second = workload("keep-b");
        int firstPort = Podman.freePort();
        int secondPort = Podman.freePort();
        deploy(first, httpd(firstPort, "a"));
        deploy(second, httpd(secondPort, "b"));
        awaitPage(firstPort, "MESSAGE=a");
        awaitPage(secondPort, "MESSAGE=b");
        awaitPhase(first, "Running");
        awaitPhase(second, "Running");
        Map<String, String> pods = Map.of(first, Podman.podId(first).orElseThrow(), second, Podman.podId(second).orElseThrow());
        Map<String, String> started = Map.of(first, startedAt(first), second, startedAt(second));
        List<String> serials = device().status().certificateSerials();

        for (boolean graceful : List.of(true, false)) {
            int exit = graceful ? agent.stopOrKill(AGENT_GRACE) : agent.kill();
            assertThat(exit).isNotZero();
            // the device keeps working unattended
            awaitPage(firstPort, "MESSAGE=a");
            awaitPage(secondPort, "MESSAGE=b");

            Instant restarted = Instant.now();
            agent = startAgent();
            agent.awaitLine(Pattern.compile("applied configuration"), WAIT);
            await("a heartbeat from the restarted agent", WAIT, () -> cp.device(NS, deviceId)
                    .filter(d -> d.lastSeen() != null && d.lastSeen().isAfter(restarted.plusSeconds(1))));

            assertThat(Podman.podId(first)).as("no pod recreated (%s stop)", graceful ? "graceful" : "forced")
                    .contains(pods.get(first));
            assertThat(Podman.podId(second)).contains(pods.get(second));
            assertThat(startedAt(first)).as("no container restarted").isEqualTo(started.get(first));
            assertThat(startedAt(second)).isEqualTo(started.get(second));
            assertThat(phase(first)).isEqualTo("Running");
            assertThat(phase(second)).isEqualTo("Running");
            assertThat(device().status().certificateSerials()).as("the agent kept its identity").isEqualTo(serials);
        }
        assertThat(agents).as("no pod was replaced")
                .allSatisfy(a -> assertThat(a.linesMatching(Pattern.compile("deployed \\(replaced\\)"))).isEmpty());
    }

    @Test
    void measuresDeploymentAndRemovalCostPerPod() {
        int count = 4;
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            ports.put(workload("load-" + i), Podman.freePort());
        }
        long created = System.nanoTime();
        ports.forEach((name, port) -> deploy(name, httpd(port, name)));
        ports.forEach((name, port) -> awaitPage(port, "MESSAGE=" + name));
        long answering = System.nanoTime();
        ports.keySet().forEach(name -> awaitPhase(name, "Running"));
        long reported = System.nanoTime();

        long deleted = System.nanoTime();
        ports.keySet().forEach(name -> cp.deleteDeployment(NS, name));
        ports.forEach(this::awaitRemoved);
        long gone = System.nanoTime();

        List<Long> plays = podmanMillis("kube play");
        List<Long> stops = podmanMillis("pod stop");
        List<Long> removals = podmanMillis("pod rm");
        assertThat(plays).as("kube play timings in the agent's debug log").hasSize(count);
        assertThat(stops).hasSize(count);
        System.out.printf("e2e %d pods: created -> all answering %d ms (%d ms/pod), -> all Running in the control "
                        + "plane %d ms; deleted -> all gone %d ms (%d ms/pod)%n", count, ms(created, answering),
                ms(created, answering) / count, ms(created, reported), ms(deleted, gone), ms(deleted, gone) / count);
        System.out.printf("e2e per pod on the agent: kube play %s ms, pod stop %s ms, pod rm %s ms%n",
                summary(plays), summary(stops), summary(removals));
    }

    // ---------------------------------------------------------------------------------------- steps

    /** {@code flotta agent --runtime podman} in a child JVM, as a device runs it. */
    private ChildJvm startAgent() {
        ChildJvm started = ChildJvm.start("agent-" + deviceId, AGENT_JVM, FlottaCli.class, List.of("agent",
                "--bundle", bundle.toString(), "--state-dir", agentState.toString(), "--device-id", deviceId,
                "--runtime", "podman"));
        agents.add(started);
        return started;
    }

    /** Deploys to the devices of this run that are not retired: a selector of matchExpressions only. */
    private void deploy(String name, JsonNode pod) {
        LabelSelector selector = new LabelSelector(Map.of(), List.of(
                new LabelSelector.Requirement(RUN_LABEL, "In", List.of(run)),
                new LabelSelector.Requirement(STAGE_LABEL, "NotIn", List.of("retired", "broken"))));
        cp.applyDeployment(NS, name, new DeploymentSpec(null, selector, "pod", pod, null, null, null, null, null));
    }

    private static ObjectNode httpd(int hostPort, String message) {
        return SampleWorkload.pod(hostPort, message);
    }

    private static ObjectNode pod(String specJson) {
        try {
            ObjectNode pod = ModelJson.mapper().createObjectNode();
            pod.set("spec", ModelJson.mapper().readTree(specJson));
            return pod;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void relabel(Map<String, String> changes, Map<String, String> current) {
        Map<String, String> labels = new HashMap<>(current);
        labels.putAll(changes);
        cp.setDeviceLabels(NS, deviceId, labels);
    }

    private static void kill(String pid) {
        ProcessHandle process = ProcessHandle.of(Long.parseLong(pid))
                .orElseThrow(() -> new AssertionError("no process " + pid));
        assertThat(process.destroyForcibly()).as("SIGKILL to %s", pid).isTrue();
    }

    // ---------------------------------------------------------------------------------------- checks

    private void awaitRemoved(String workload, int port) {
        await("pod " + workload + " to be removed and port " + port + " closed", WAIT, () -> Optional.of(workload)
                .filter(w -> Podman.podId(w).isEmpty() && !Podman.listening(port)
                        && (!Podman.nftPresent() || !Podman.nftTable().contains("flotta workload " + w + "\""))));
    }

    private static String startedAt(String pod) {
        return Podman.podmanOk("inspect", "--format", "{{.State.StartedAt}}", pod + "-httpd").strip();
    }

    /** Milliseconds of each successful podman command whose arguments start with {@code prefix}, in order. */
    private List<Long> podmanMillis(String prefix) {
        List<Long> result = new ArrayList<>();
        for (ChildJvm started : agents) {
            for (ChildJvm.Line line : started.linesMatching(PODMAN_TIMING)) {
                Matcher m = PODMAN_TIMING.matcher(line.text());
                if (m.find() && m.group(1).startsWith(prefix) && m.group(2).equals("0")) {
                    result.add(Long.parseLong(m.group(3)));
                }
            }
        }
        return result;
    }

    private static long ms(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    private static String summary(List<Long> millis) {
        if (millis.isEmpty()) {
            return "-";
        }
        return "avg " + Math.round(millis.stream().mapToLong(Long::longValue).average().orElse(0))
                + " / max " + millis.stream().mapToLong(Long::longValue).max().orElse(0)
                + " (n=" + millis.size() + ")";
    }
}
