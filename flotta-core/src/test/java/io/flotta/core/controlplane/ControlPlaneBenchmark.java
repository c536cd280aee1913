package io.flotta.core.controlplane;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.LabelSelector;
import io.flotta.core.model.LabelSelector.Requirement;
import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.core.testkit.TestControlPlane;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import io.flotta.spi.transport.Route;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The control plane's device API without a transport: configuration fetches (cached, freshly
 * assembled, answered 304) and heartbeats (unchanged, and with a workload phase that changed and so
 * is written to the store). A fleet of {@link #devices} devices is paired through the API with real
 * certificates on the embedded SQLite store and CA; a few deployments place workloads on them by
 * label selectors. Each call rotates over the fleet.
 *
 * <p>Run: {@code java -cp <test class path> org.openjdk.jmh.Main ControlPlaneBenchmark}, or
 * {@code scripts/bench-core.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ControlPlaneBenchmark {

    private static final String NAMESPACE = "default";
    private static final String[] PRODUCTS = {"edge-a", "edge-b", "edge-c", "edge-d"};

    @Param("1000")
    public int devices;

    private Path dir;
    private TestControlPlane t;
    private String[] ids;
    private List<X509Certificate>[] chains;
    private byte[][] encodedLeaves;
    private CertificateFactory certificates;
    private String[] versions;
    private byte[][] unchangedHeartbeat;
    private byte[][][] toggledHeartbeat;
    private boolean[] exited;
    private int next;

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args.length > 0 ? args : new String[] {ControlPlaneBenchmark.class.getSimpleName()});
    }

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("flotta-bench");
        t = new TestControlPlane(dir, ControlPlaneOptions.builder().heartbeatPeriod(Duration.ofSeconds(60)).build());
        for (Map.Entry<String, DeploymentSpec> d : deployments().entrySet()) {
            t.controlPlane.applyDeployment(NAMESPACE, d.getKey(), d.getValue());
        }
        ids = new String[devices];
        chains = new List[devices];
        KeyPair keys = Keys.generateEcP256();
        for (int i = 0; i < devices; i++) {
            ids[i] = String.format("dev-%05d", i);
            chains[i] = pair(ids[i], keys, i);
        }
        awaitPlacements();
        certificates = CertificateFactory.getInstance("X.509");
        encodedLeaves = new byte[devices][];
        for (int i = 0; i < devices; i++) {
            encodedLeaves[i] = chains[i].get(0).getEncoded();
        }

        versions = new String[devices];
        unchangedHeartbeat = new byte[devices][];
        toggledHeartbeat = new byte[devices][][];
        exited = new boolean[devices];
        for (int i = 0; i < devices; i++) {
            DeviceResponse config = t.call(Route.DATA_IN, ids[i], chains[i], null);
            expect(config, 200);
            versions[i] = config.etag();
            List<String> workloads = t.controlPlane.device(NAMESPACE, ids[i]).orElseThrow().status().workloads()
                    .stream().map(w -> w.name()).toList();
            unchangedHeartbeat[i] = heartbeat(versions[i], workloads, "Running");
            toggledHeartbeat[i] = new byte[][] {unchangedHeartbeat[i], heartbeat(versions[i], workloads, "Exited")};
            expect(t.call(Route.DATA_OUT, ids[i], chains[i], unchangedHeartbeat[i]), 200);
        }
        // the premise of the unchanged-heartbeat benchmark: it writes nothing
        ResourceKey first = ControlPlane.deviceKey(NAMESPACE, ids[0]);
        Thread.sleep(500);
        String before = t.store.get(first).orElseThrow().revision();
        expect(t.call(Route.DATA_OUT, ids[0], chains[0], unchangedHeartbeat[0]), 200);
        String after = t.store.get(first).orElseThrow().revision();
        if (!before.equals(after)) {
            throw new IllegalStateException("an unchanged heartbeat wrote the store: " + before + " -> " + after);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        t.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** (a) A full configuration fetch whose configuration is already assembled. */
    @Benchmark
    public DeviceResponse dataInCached() {
        int i = nextDevice();
        return expect(t.call(new DeviceRequest(Route.DATA_IN, ids[i], chains[i], null, null, Duration.ZERO)), 200);
    }

    /** (b) A full configuration fetch right after the device's cached configuration was dropped. */
    @Benchmark
    public DeviceResponse dataInAfterInvalidation() {
        int i = nextDevice();
        t.controlPlane.configurations().invalidate(ControlPlane.deviceKey(NAMESPACE, ids[i]));
        return expect(t.call(new DeviceRequest(Route.DATA_IN, ids[i], chains[i], null, null, Duration.ZERO)), 200);
    }

    /** (c) A heartbeat that repeats what the control plane already knows: no store write. */
    @Benchmark
    public DeviceResponse heartbeatUnchanged() {
        int i = nextDevice();
        return expect(t.call(Route.DATA_OUT, ids[i], chains[i], unchangedHeartbeat[i]), 200);
    }

    /** (d) A heartbeat whose workload phase flipped (Running / Exited): one durable status write. */
    @Benchmark
    public DeviceResponse heartbeatChanged() {
        int i = nextDevice();
        exited[i] = !exited[i];
        return expect(t.call(Route.DATA_OUT, ids[i], chains[i], toggledHeartbeat[i][exited[i] ? 1 : 0]), 200);
    }

    /** (e) A conditional configuration fetch with the current version: 304, no body. */
    @Benchmark
    public DeviceResponse dataInNotModified() {
        int i = nextDevice();
        return expect(t.call(new DeviceRequest(Route.DATA_IN, ids[i], chains[i], null, versions[i], Duration.ZERO)), 304);
    }

    /**
     * (f) As (e), but on a new TLS connection: the leaf is a certificate object never seen before
     * (decoded here from its DER encoding, as a transport would), so nothing cached on it helps.
     */
    @Benchmark
    public DeviceResponse dataInNotModifiedNewConnection() throws CertificateException {
        int i = nextDevice();
        List<X509Certificate> chain = List.of(decode(encodedLeaves[i]));
        return expect(t.call(new DeviceRequest(Route.DATA_IN, ids[i], chain, null, versions[i], Duration.ZERO)), 304);
    }

    /** The decoding part of (f) alone, to subtract from it. */
    @Benchmark
    public X509Certificate certificateDecode() throws CertificateException {
        return decode(encodedLeaves[nextDevice()]);
    }

    /** What a metrics scrape reads: devices by state and workloads by phase over the whole fleet. */
    @Benchmark
    public ControlPlane.FleetCounts fleetCounts() {
        return t.controlPlane.fleetCounts();
    }

    /** The whole fleet with each device's status read (the admin API's device list). */
    @Benchmark
    public List<DeviceView> deviceList() {
        return t.controlPlane.devices();
    }

    private X509Certificate decode(byte[] der) throws CertificateException {
        return (X509Certificate) certificates.generateCertificate(new ByteArrayInputStream(der));
    }

    private int nextDevice() {
        int i = next;
        next = i + 1 == devices ? 0 : i + 1;
        return i;
    }

    private static DeviceResponse expect(DeviceResponse r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + r.status());
        }
        return r;
    }

    // ---------------------------------------------------------------- fleet

    private List<X509Certificate> pair(String id, KeyPair keys, int i) {
        ObjectNode enrolment = JsonNodeFactory.instance.objectNode();
        enrolment.put("target_namespace", NAMESPACE);
        enrolment.putObject("features").set("hardware", hardware(i));
        expect(t.post(id, t.registration.chain(), "enrolment", enrolment), 200);
        ObjectNode registration = JsonNodeFactory.instance.objectNode();
        registration.put("certificate_request", Csrs.create(keys, id));
        registration.set("hardware", hardware(i));
        DeviceResponse answer = expect(t.post(id, t.registration.chain(), "registration", registration), 200);
        return List.of(TestControlPlane.certificate(answer));
    }

    /** Hardware info of the size an agent reports (upstream schema), varied so selectors split the fleet. */
    private static ObjectNode hardware(int i) {
        ObjectNode hw = JsonNodeFactory.instance.objectNode();
        ObjectNode cpu = hw.putObject("cpu");
        cpu.put("architecture", i % 3 == 0 ? "aarch64" : "x86_64");
        cpu.put("model_name", i % 3 == 0 ? "Cortex-A72" : "Intel(R) Atom(TM) x6425E @ 2.00GHz");
        cpu.put("flags_count", 64);
        ArrayNode flags = cpu.putArray("flags");
        for (int f = 0; f < 64; f++) {
            flags.add("flag" + f);
        }
        hw.put("hostname", "host-" + i);
        ObjectNode vendor = hw.putObject("system_vendor");
        vendor.put("manufacturer", "Example Corp");
        vendor.put("product_name", PRODUCTS[i % PRODUCTS.length]);
        vendor.put("serial_number", "SN-" + (100000 + i));
        vendor.put("virtual", false);
        ArrayNode interfaces = hw.putArray("interfaces");
        for (int n = 0; n < 2; n++) {
            ObjectNode nic = interfaces.addObject();
            nic.put("name", "eth" + n);
            nic.put("mac_address", String.format("52:54:00:%02x:%02x:%02x", n, (i >> 8) & 0xff, i & 0xff));
            nic.putArray("ipv4_addresses").add("10." + n + "." + (i >> 8 & 0xff) + "." + (i & 0xff) + "/16");
            nic.putArray("ipv6_addresses");
            nic.put("has_carrier", true);
        }
        ObjectNode memory = hw.putObject("memory");
        memory.put("physical_bytes", 8L << 30);
        memory.put("usable_bytes", 7L << 30);
        ArrayNode disks = hw.putArray("disks");
        disks.addObject().put("name", "mmcblk0").put("size_bytes", 64L << 30).put("drive_type", "SSD");
        return hw;
    }

    private static Map<String, DeploymentSpec> deployments() {
        return Map.of(
                "web", selected(new LabelSelector(Map.of("device.system-product", "edge-a"), List.of()), "web"),
                "metrics", selected(new LabelSelector(Map.of(), List.of(
                        new Requirement("device.cpu-architecture", "In", List.of("x86_64", "aarch64")))), "metrics"),
                "camera", selected(new LabelSelector(Map.of(), List.of(
                        new Requirement("device.system-product", "In", List.of("edge-b", "edge-c")),
                        new Requirement("device.hostname", "Exists", List.of()))), "camera"),
                "legacy", selected(new LabelSelector(Map.of("device.cpu-architecture", "x86_64"), List.of(
                        new Requirement("device.system-product", "NotIn", List.of("edge-a")),
                        new Requirement("legacy-disabled", "DoesNotExist", List.of()))), "legacy"),
                "probe", new DeploymentSpec("dev-00007", null, "pod", pod("probe"), null, null, null, null, null));
    }

    private static DeploymentSpec selected(LabelSelector selector, String name) {
        return new DeploymentSpec(null, selector, "pod", pod(name), Map.of("app", name, "tier", "edge"),
                Map.of("podman/restart-policy", "always"), null, null, null);
    }

    private static ObjectNode pod(String name) {
        ObjectNode pod = JsonNodeFactory.instance.objectNode();
        ObjectNode spec = pod.putObject("spec");
        ArrayNode containers = spec.putArray("containers");
        for (int c = 0; c < 2; c++) {
            ObjectNode container = containers.addObject();
            container.put("name", name + "-" + c);
            container.put("image", "localhost/flotta/" + name + ":1." + c);
            ArrayNode env = container.putArray("env");
            for (int e = 0; e < 6; e++) {
                env.addObject().put("name", "SETTING_" + e).put("value", name + "-value-" + e);
            }
            container.putArray("ports").addObject().put("containerPort", 8080 + c).put("hostPort", 9080 + c);
            container.putArray("volumeMounts").addObject().put("name", "export").put("mountPath", "/export");
            container.putObject("resources").putObject("limits").put("cpu", "250m").put("memory", "128Mi");
        }
        spec.putArray("volumes").addObject().put("name", "export").putObject("emptyDir");
        return pod;
    }

    private static byte[] heartbeat(String version, List<String> workloads, String phase) {
        ObjectNode hb = JsonNodeFactory.instance.objectNode();
        hb.put("status", "up");
        hb.put("version", version);
        hb.put("time", "2026-11-26T10:00:00Z");
        ArrayNode list = hb.putArray("workloads");
        for (String w : workloads) {
            list.addObject().put("name", w).put("status", phase);
        }
        hb.putArray("events");
        return TestControlPlane.envelope("heartbeat", hb);
    }

    /** Placement runs in the background after registration; wait until every device lists its workloads. */
    private void awaitPlacements() throws InterruptedException {
        Map<String, DeploymentSpec> specs = deployments();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            int pending = 0;
            for (DeviceView d : t.controlPlane.devices()) {
                List<String> expected = new ArrayList<>();
                specs.forEach((name, spec) -> {
                    if (spec.targets(d.id(), d.labels())) {
                        expected.add(name);
                    }
                });
                expected.sort(null);
                if (!d.status().workloads().stream().map(w -> w.name()).toList().equals(expected)) {
                    pending++;
                }
            }
            if (pending == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pending + " devices still lack their workloads");
            }
            Thread.sleep(200);
        }
    }
}
