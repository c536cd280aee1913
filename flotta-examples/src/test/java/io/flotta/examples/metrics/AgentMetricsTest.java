package io.flotta.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.examples.LoggingRuntime;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.Workload;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.storage.SyncResult;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMetricsTest {

    @TempDir
    Path dir;

    /** Device-side storage whose syncs answer from a script: a result, or an exception to throw. */
    private static final class ScriptedStorage implements ObjectStorage {
        final Deque<Object> answers = new ArrayDeque<>();

        @Override
        public BucketAccess provision(String namespace, String deviceId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void release(String namespace, String deviceId) {
        }

        @Override
        public DataSync dataSync(BucketAccess access) {
            return new DataSync() {
                @Override
                public SyncResult sync(Path directory, String prefix) {
                    Object next = answers.removeFirst();
                    if (next instanceof RuntimeException e) {
                        throw e;
                    }
                    return (SyncResult) next;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void countsDataSyncsByResultWithFilesAndBytes() {
        try (WorkloadRuntime runtime = new LoggingRuntime.Provider().create(ProviderConfig.of(dir));
             AgentMetrics metrics = new AgentMetrics(runtime)) {
            ScriptedStorage storage = new ScriptedStorage();
            storage.answers.add(new SyncResult(3, 1, 1500, List.of()));
            storage.answers.add(new SyncResult(1, 0, 10, List.of("b.txt: access denied")));
            storage.answers.add(new IllegalStateException("bucket gone"));
            DataSync sync = metrics.meter(storage).dataSync(null);

            sync.sync(dir, "w/");
            sync.sync(dir, "w/");
            assertThatThrownBy(() -> sync.sync(dir, "w/")).hasMessage("bucket gone");

            assertThat(metrics.scrape()).contains("flotta_agent_data_syncs_total{result=\"ok\"} 1.0",
                    "flotta_agent_data_syncs_total{result=\"failed\"} 2.0", "flotta_agent_data_files_uploaded_total 4.0",
                    "flotta_agent_data_uploaded_bytes_total 1510.0");
        }
    }

    @Test
    void reportsWorkloadsByPhaseWithEveryPhaseListed() {
        try (WorkloadRuntime runtime = new LoggingRuntime.Provider().create(ProviderConfig.of(dir));
             AgentMetrics metrics = new AgentMetrics(runtime)) {
            runtime.apply(new Workload("a", "d", "{}", null, null, null, null, null, null));
            runtime.apply(new Workload("b", "d", "{}", null, null, null, null, null, null));

            assertThat(metrics.scrape()).contains("flotta_agent_workloads{phase=\"Running\"} 2.0",
                    "flotta_agent_workloads{phase=\"Exited\"} 0.0");
        }
    }
}
