package io.flotta.transport.grpc.internal;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The threads every client of one provider instance shares: one Netty event-loop group (it carries
 * all connections and schedules reconnects) and one small executor for call callbacks. Each client
 * has its own channel and TLS context only, so one JVM can hold thousands of clients (a device
 * simulator does). Created with the first client, released with the last.
 */
public final class ClientResources {

    private int clients;
    private EventLoopGroup group;
    private ExecutorService executor;

    /** A lease on the shared threads; give it back with {@link #release()}. */
    synchronized Lease acquire() {
        if (clients++ == 0) {
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
            group = new MultiThreadIoEventLoopGroup(threads, new DaemonThreads("flotta-grpc-client-io"),
                    NioIoHandler.newFactory());
            executor = Executors.newFixedThreadPool(threads, new DaemonThreads("flotta-grpc-client"));
        }
        return new Lease(group, executor);
    }

    synchronized void release() {
        if (clients == 0) {
            return;
        }
        if (--clients == 0) {
            executor.shutdown();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            group = null;
            executor = null;
        }
    }

    /** Clients holding a lease right now. */
    public synchronized int clients() {
        return clients;
    }

    record Lease(EventLoopGroup group, ExecutorService executor) {
    }
}
