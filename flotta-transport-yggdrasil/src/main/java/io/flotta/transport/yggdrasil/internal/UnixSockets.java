package io.flotta.transport.yggdrasil.internal;

import io.flotta.spi.ConfigurationException;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * gRPC over unix domain sockets with the epoll transport that grpc-netty-shaded ships.
 *
 * <p>Addresses as the gateway hands them out: {@code unix:@name} or {@code @name} for the abstract
 * namespace (no file; what upstream uses), {@code unix:/path}, {@code unix:///path} or a plain
 * {@code /path} for a socket file.
 */
public final class UnixSockets {

    private UnixSockets() {
    }

    /** Whether the native epoll transport loads on this machine (Linux only). */
    public static boolean available() {
        return Epoll.isAvailable();
    }

    /** Why {@link #available()} is false. */
    public static String unavailableReason() {
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "" : "the epoll transport of grpc-netty-shaded cannot load: " + cause;
    }

    /** The socket name without a {@code unix:} scheme: {@code @name} (abstract) or a path. */
    public static String strip(String address) {
        if (address == null || address.isBlank()) {
            throw new ConfigurationException("socket address must not be empty");
        }
        String a = address.strip();
        if (a.startsWith("unix://")) {
            a = a.substring("unix://".length());
        } else if (a.startsWith("unix:")) {
            a = a.substring("unix:".length());
        }
        if (a.isEmpty() || !(a.startsWith("@") || a.startsWith("/"))) {
            throw new ConfigurationException("socket address must be unix:@name or unix:/path, was " + address);
        }
        return a;
    }

    /** The Netty address: the abstract namespace is a leading NUL byte in the kernel's terms. */
    static DomainSocketAddress socketAddress(String address) {
        String name = strip(address);
        return new DomainSocketAddress(name.startsWith("@") ? "\0" + name.substring(1) : name);
    }

    /** An event loop group of daemon threads for channels and servers. */
    public static EventLoopGroup eventLoops(String name) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new EpollEventLoopGroup(1, threads);
    }

    public static ManagedChannel channel(String address, EventLoopGroup loops) {
        return NettyChannelBuilder.forAddress(socketAddress(address))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(loops)
                .usePlaintext()
                .build();
    }

    /**
     * Starts a server on {@code address}; a stale socket file left by a process that died is
     * removed first (a live one makes the bind fail).
     */
    public static Server serve(String address, EventLoopGroup loops, BindableService... services) throws IOException {
        String name = strip(address);
        if (name.startsWith("/")) {
            Path file = Path.of(name);
            if (Files.exists(file) && !pathInUse(address, loops)) {
                Files.delete(file);
            }
        }
        NettyServerBuilder builder = NettyServerBuilder.forAddress(socketAddress(address))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(loops)
                .workerEventLoopGroup(loops);
        for (BindableService service : services) {
            builder.addService(service);
        }
        return builder.build().start();
    }

    private static boolean pathInUse(String address, EventLoopGroup loops) {
        ManagedChannel probe = channel(address, loops);
        try {
            probe.getState(true);
            for (int i = 0; i < 20; i++) {
                switch (probe.getState(false)) {
                    case READY:
                        return true;
                    case TRANSIENT_FAILURE:
                    case SHUTDOWN:
                        return false;
                    default:
                        Thread.sleep(10);
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            probe.shutdownNow();
        }
    }
}
