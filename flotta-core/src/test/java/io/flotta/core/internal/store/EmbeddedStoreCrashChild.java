package io.flotta.core.internal.store;

import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The process {@link EmbeddedStoreCrashIT} kills: writes from a few threads until killed and prints
 * a line for every write only after the store acknowledged it. Lines: {@code C name revision} after
 * a create, {@code S name revision} after that resource's single status update.
 */
public final class EmbeddedStoreCrashChild {

    private EmbeddedStoreCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        String prefix = args[1];
        int threads = Integer.parseInt(args[2]);
        PrintStream out = System.out;
        EmbeddedStore store = EmbeddedStore.open(new ProviderConfig(directory,
                Map.of(EmbeddedStoreSettings.LAST_SEEN_FLUSH, "PT0.02S")));
        for (int t = 0; t < threads; t++) {
            String threadPrefix = prefix + "-t" + t + "-";
            Thread writer = new Thread(() -> {
                for (int i = 0; ; i++) {
                    String name = threadPrefix + i;
                    Resource created = store.create(new Resource(Kind.DEVICE, "crash", name,
                            Map.of("round", prefix), "{\"i\":" + i + "}", "{}", null));
                    acknowledge(out, "C " + name + " " + created.revision());
                    store.recordLastSeen(created.key(), Instant.now());
                    Resource updated = store.updateStatus(created.withStatus("{\"acked\":" + i + "}"));
                    acknowledge(out, "S " + name + " " + updated.revision());
                }
            }, "writer-" + t);
            writer.start();
        }
        // the writers run until the parent kills this process
        Thread.currentThread().join();
    }

    private static void acknowledge(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
