package io.flotta.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.core.controlplane.DeviceView;
import io.flotta.examples.testing.ChildJvm;
import io.flotta.examples.testing.Polling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What an idle agent costs: start-up time to its first heartbeat, resident memory and heap, with
 * the 32 MB heap limit every agent in these tests runs with. The numbers are printed, not asserted
 * (they depend on the machine); what is asserted is that the agent works within the limit.
 */
class AgentFootprintIT extends E2eTestBase {

    private static final Pattern HEAP_SPACE = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used (\\d+)K, committed (\\d+)K");

    @Test
    void idleAgentFootprintAndStartUpTimeToFirstHeartbeat() {
        env = new E2eEnvironment(dir, E2eEnvironment.options().build());
        ChildJvm agent = env.startAgent("footprint-1");

        DeviceView first = env.awaitHeartbeat("footprint-1", Instant.EPOCH, Duration.ofSeconds(30));
        long toHeartbeat = System.nanoTime() - agent.startNanos();
        long toStarted = agent.awaitLine(Pattern.compile("Agent footprint-1 started"), Duration.ZERO).nanoTime()
                - agent.startNanos();
        long toCertificate = agent.awaitLine(Pattern.compile("holds a certificate"), Duration.ZERO).nanoTime()
                - agent.startNanos();

        // idle: heartbeats every second, a pending long poll, nothing to deploy
        Polling.pause(Duration.ofSeconds(4));
        String flags = jcmd(agent, "VM.flags");
        assertThat(flags).contains("-XX:MaxHeapSize=33554432");
        long rssKb = procStatusKb(agent, "VmRSS");
        long peakRssKb = procStatusKb(agent, "VmHWM");
        String heapInfo = jcmd(agent, "GC.heap_info");
        jcmd(agent, "GC.run");
        String heapAfterGc = jcmd(agent, "GC.heap_info");
        DeviceView later = env.awaitHeartbeat("footprint-1", first.lastSeen().plusSeconds(3), Duration.ofSeconds(5));

        assertThat(agent.isAlive()).isTrue();
        assertThat(later.online()).isTrue();
        assertThat(agent.linesMatching(Pattern.compile("OutOfMemoryError|Exception"))).isEmpty();
        String gc = flags.contains("+UseSerialGC") ? "Serial" : flags.contains("+UseG1GC") ? "G1" : "other";
        System.out.printf("""
                agent footprint (-Xmx32m, %s GC, log runtime, 1 s heartbeats):
                  start-up: 'started' after %d ms, certificate after %d ms, first heartbeat seen after %d ms
                  idle RSS %d KB (peak %d KB)
                  heap used %d KB of %d KB committed; after a full GC %d KB; metaspace used %d KB
                """, gc, toStarted / 1_000_000, toCertificate / 1_000_000, toHeartbeat / 1_000_000, rssKb, peakRssKb,
                heapKb(heapInfo, 2), heapKb(heapInfo, 1), heapKb(heapAfterGc, 2), metaspaceKb(heapInfo));
        System.out.println("GC.heap_info when idle:\n" + heapInfo);
    }

    private static long procStatusKb(ChildJvm jvm, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(jvm.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + jvm.pid() + "/status", e);
        }
        throw new AssertionError(field + " missing from /proc/" + jvm.pid() + "/status");
    }

    /** Sum over the heap's spaces of group {@code group} of "total NK, used NK" (1 = total, 2 = used). */
    private static long heapKb(String heapInfo, int group) {
        long sum = 0;
        Matcher m = HEAP_SPACE.matcher(heapInfo);
        while (m.find()) {
            sum += Long.parseLong(m.group(group));
        }
        assertThat(sum).as("heap sizes in %s", heapInfo).isPositive();
        return sum;
    }

    private static long metaspaceKb(String heapInfo) {
        Matcher m = METASPACE.matcher(heapInfo);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Runs the JDK's {@code jcmd} against the child JVM (it ships with every JDK that runs Maven). */
    private static String jcmd(ChildJvm jvm, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        assertThat(jcmd).as("jcmd of the JDK running the tests").isExecutable();
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(jvm.pid()), command)
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("jcmd %s: %s", command, text).isZero();
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("jcmd " + command + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
