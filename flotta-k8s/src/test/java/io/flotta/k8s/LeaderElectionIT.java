package io.flotta.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaderElectionIT {

    @RegisterExtension
    static final KubeCluster KUBE = new KubeCluster("leader");

    private static final LeaderElection.Timing FAST =
            new LeaderElection.Timing(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500));

    @Test
    void oneLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        LeaderElection first = LeaderElection.start(KUBE.client(), "default", "flotta-controllers", "replica-1", FAST,
                starts::incrementAndGet, stops::incrementAndGet);
        await(first::isLeader, "replica-1 leads");
        try (LeaderElection second = LeaderElection.start(KUBE.client(), "default", "flotta-controllers", "replica-2", FAST,
                starts::incrementAndGet, stops::incrementAndGet)) {
            await(() -> "replica-1".equals(second.leader()), "replica-2 sees replica-1 lead");
            Thread.sleep(4000);
            assertThat(second.isLeader()).as("two leaders at once").isFalse();
            assertThat(starts.get()).isEqualTo(1);
            assertThat(KUBE.kubectl("get", "lease", "flotta-controllers", "-o", "jsonpath={.spec.holderIdentity}"))
                    .isEqualTo("replica-1");

            first.close();
            await(second::isLeader, "replica-2 takes over");
            assertThat(first.isLeader()).isFalse();
            assertThat(starts.get()).isEqualTo(2);
            assertThat(KUBE.kubectl("get", "lease", "flotta-controllers", "-o", "jsonpath={.spec.holderIdentity}"))
                    .isEqualTo("replica-2");
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
