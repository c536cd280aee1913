package io.flotta.core.internal.store;

import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints the embedded store's write rate on this machine: creates and status updates, from one
 * thread and from several (where group commit shares each disk sync). A measurement to run by hand,
 * not a test: {@code java -cp <test class path> io.flotta.core.internal.store.EmbeddedStoreWriteRate [dir]}.
 */
public final class EmbeddedStoreWriteRate {

    private static final String STATUS = "{\"phase\":\"Running\",\"workloads\":[{\"name\":\"web\",\"status\":\"Running\"}],"
            + "\"hardware\":{\"cpu\":{\"architecture\":\"x86_64\",\"model_name\":\"Intel\"},\"hostname\":\"edge-%d\"},"
            + "\"n\":%d}";

    private EmbeddedStoreWriteRate() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("flotta-store-rate");
        int perThreadTotal = 2000;
        for (int threads : new int[] {1, 4, 16, 64}) {
            Path directory = base.resolve("t" + threads);
            try (EmbeddedStore store = EmbeddedStore.open(ProviderConfig.of(directory))) {
                List<List<Resource>> created = new ArrayList<>();
                int each = Math.max(perThreadTotal / threads, 50);
                double createRate = run(threads, t -> {
                    List<Resource> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(store.create(new Resource(Kind.DEVICE, "default", "d-" + t + "-" + i,
                                Map.of("site", "s" + (i % 10)), "{\"os\":\"linux\"}", "{}", null)));
                    }
                    synchronized (created) {
                        created.add(mine);
                    }
                }, threads * each);
                double statusRate = run(threads, t -> {
                    List<Resource> mine = created.get(t);
                    for (int i = 0; i < mine.size(); i++) {
                        store.updateStatus(mine.get(i).withStatus(String.format(STATUS, i, i)));
                    }
                }, threads * each);
                System.out.printf("threads=%-3d writes=%-5d create: %8.0f/s   updateStatus: %8.0f/s%n",
                        threads, threads * each, createRate, statusRate);
            }
        }
    }

    interface Work {
        void run(int thread) throws Exception;
    }

    private static double run(int threads, Work work, int writes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    work.run(thread);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            return writes / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }
}
