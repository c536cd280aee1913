package io.flotta.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.flotta.spi.ConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one leader among the replicas that share a {@code coordination.k8s.io} Lease, for the work
 * only one replica may do (controllers); the device API needs no leader. The leader renews the lease
 * every {@code retryPeriod}; when it stops (or {@link #close()}s, which releases the lease) another
 * candidate takes over within about one lease duration.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final String identity;
    private final CompletableFuture<?> running;
    private final AtomicReference<String> leader = new AtomicReference<>();
    private volatile boolean leading;

    /**
     * Timings of an election.
     *
     * @param leaseDuration how long a lease holds without renewal: the longest a dead leader blocks others
     * @param renewDeadline how long the leader keeps trying to renew before it gives up leading
     * @param retryPeriod   how often candidates try to acquire and the leader renews
     */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public Timing {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            Objects.requireNonNull(renewDeadline, "renewDeadline");
            Objects.requireNonNull(retryPeriod, "retryPeriod");
            if (leaseDuration.compareTo(renewDeadline) <= 0) {
                throw new ConfigurationException("leaseDuration: must be longer than renewDeadline");
            }
            if (renewDeadline.compareTo(retryPeriod) <= 0) {
                throw new ConfigurationException("renewDeadline: must be longer than retryPeriod");
            }
        }

        /** Kubernetes' own controllers' defaults: 15 s lease, 10 s renew deadline, 2 s retry. */
        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    private LeaderElection(KubernetesClient client, String namespace, String lease, String identity, Timing timing,
                           Runnable onStartLeading, Runnable onStopLeading) {
        this.identity = identity;
        LeaderCallbacks callbacks = new LeaderCallbacks(() -> {
            leading = true;
            LOG.info("{} leads {}/{}", identity, namespace, lease);
            onStartLeading.run();
        }, () -> {
            leading = false;
            LOG.info("{} stopped leading {}/{}", identity, namespace, lease);
            onStopLeading.run();
        }, leader::set);
        LeaderElectionConfig config = new LeaderElectionConfig(new LeaseLock(namespace, lease, identity),
                timing.leaseDuration(), timing.renewDeadline(), timing.retryPeriod(), callbacks, true, lease);
        this.running = client.leaderElector().withConfig(config).build().start();
    }

    /**
     * Starts campaigning for {@code namespace/lease} as {@code identity} (unique per replica, e.g.
     * the pod name). The callbacks run on the elector's thread and must not block for long.
     */
    public static LeaderElection start(KubernetesClient client, String namespace, String lease, String identity,
                                       Timing timing, Runnable onStartLeading, Runnable onStopLeading) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(onStartLeading, "onStartLeading");
        Objects.requireNonNull(onStopLeading, "onStopLeading");
        for (String[] field : new String[][] {{"namespace", namespace}, {"lease", lease}, {"identity", identity}}) {
            if (field[1] == null || field[1].isBlank()) {
                throw new ConfigurationException(field[0] + ": must not be blank");
            }
        }
        return new LeaderElection(client, namespace, lease, identity, timing, onStartLeading, onStopLeading);
    }

    /** Whether this replica leads now. */
    public boolean isLeader() {
        return leading;
    }

    /** The identity of the current leader as last observed, or null before any was seen. */
    public String leader() {
        return leader.get();
    }

    public String identity() {
        return identity;
    }

    /** Stops campaigning; a leader releases the lease so that another takes over at once. */
    @Override
    public void close() {
        running.cancel(true);
    }
}
