package io.flotta.runtime.podman.internal;

import java.util.Locale;
import java.util.Objects;

/**
 * A port a workload publishes on the host.
 *
 * @param protocol tcp, udp or sctp (lower case, as nftables spells it)
 * @param port     the host port
 * @param hostIp   the address it is bound to, or empty for all
 */
public record HostPort(String protocol, int port, String hostIp) implements Comparable<HostPort> {

    public HostPort {
        protocol = Objects.requireNonNull(protocol, "protocol").toLowerCase(Locale.ROOT);
        hostIp = hostIp == null ? "" : hostIp;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    @Override
    public int compareTo(HostPort other) {
        int byPort = Integer.compare(port, other.port);
        if (byPort != 0) {
            return byPort;
        }
        int byProtocol = protocol.compareTo(other.protocol);
        return byProtocol != 0 ? byProtocol : hostIp.compareTo(other.hostIp);
    }
}
