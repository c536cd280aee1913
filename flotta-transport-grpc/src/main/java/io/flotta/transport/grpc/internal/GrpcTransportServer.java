package io.flotta.transport.grpc.internal;

import io.flotta.spi.FlottaException;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.TransportServer;
import io.flotta.spi.transport.TransportServerConfig;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device API on a gRPC (Netty) server. A handful of event-loop threads carry every connection;
 * a small fixed pool runs the engine calls (they may touch the store before they return), and an
 * open watch holds no thread at all, only a pending engine wait — so ten thousand devices watching
 * cost memory, not threads.
 */
public final class GrpcTransportServer implements TransportServer {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcTransportServer.class);

    /** Engine calls in progress at once; like the HTTP server's pool, waits hold none of them. */
    static final int WORKERS = 16;
    /** Room for the framing fields (device id, tags) around a body of the largest allowed size. */
    static final int FRAMING_ALLOWANCE = 4096;
    /** Server pings on quiet connections: finds devices that vanished without closing their stream. */
    static final Duration KEEPALIVE_TIME = Duration.ofMinutes(1);
    static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);
    /** The most frequent client pings accepted; clients ping every 30 seconds at most. */
    static final Duration PERMIT_KEEPALIVE_TIME = Duration.ofSeconds(20);
    static final Duration SHUTDOWN_GRACE = Duration.ofMillis(500);

    private final Server server;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ExecutorService workers;
    private final AtomicInteger openWatches;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GrpcTransportServer(Server server, EventLoopGroup boss, EventLoopGroup worker, ExecutorService workers,
                                AtomicInteger openWatches) {
        this.server = server;
        this.bossGroup = boss;
        this.workerGroup = worker;
        this.workers = workers;
        this.openWatches = openWatches;
    }

    /** Starts listening; throws {@link FlottaException} ({@code UNAVAILABLE}) if the address cannot be bound. */
    public static GrpcTransportServer start(TransportServerConfig config, DeviceApi api) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(api, "api");
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DaemonThreads("flotta-grpc-accept"),
                NioIoHandler.newFactory());
        EventLoopGroup worker = new MultiThreadIoEventLoopGroup(
                Math.max(2, Runtime.getRuntime().availableProcessors()), new DaemonThreads("flotta-grpc-io"),
                NioIoHandler.newFactory());
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS, new DaemonThreads("flotta-grpc"));
        AtomicInteger openWatches = new AtomicInteger();
        // Completions of engine waits are handed to the pool. Once the server is closed the pool
        // refuses them, and those watches are gone anyway: drop the task rather than throw into
        // whoever completed the wait (e.g. the engine closing its waiters).
        Executor completions = task -> {
            try {
                workers.execute(task);
            } catch (RejectedExecutionException e) {
                LOG.debug("server closed; dropping a watch round");
            }
        };
        DeviceService service = new DeviceService(api, config.maxBodyBytes(), config.maxWait(), completions,
                new DeviceService.WatchCounter() {
                    @Override
                    public void opened() {
                        openWatches.incrementAndGet();
                    }

                    @Override
                    public void closed() {
                        openWatches.decrementAndGet();
                    }
                });
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
                .channelType(NioServerSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(worker)
                .executor(workers)
                .sslContext(NettyTls.server(config.sslContext()))
                .maxInboundMessageSize(config.maxBodyBytes() + FRAMING_ALLOWANCE)
                .keepAliveTime(KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(PERMIT_KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(ServerInterceptors.intercept(service, new PeerChain()))
                .build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            workers.shutdownNow();
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            worker.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new FlottaException(FlottaException.Code.UNAVAILABLE,
                    "cannot serve the device API over gRPC on " + config.host() + ":" + config.port() + ": "
                            + e.getMessage(), e);
        }
        return new GrpcTransportServer(server, boss, worker, workers, openWatches);
    }

    @Override
    public int port() {
        return server.getPort();
    }

    /** Configuration watches open right now. */
    public int openWatches() {
        return openWatches.get();
    }

    /**
     * Stops accepting, gives unary calls a moment to finish, then ends open watches (their agents
     * reconnect elsewhere or later) and releases the port and threads. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.shutdown();
        try {
            if (!server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        workers.shutdown();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        LOG.debug("gRPC device API server stopped");
    }
}
