package io.flotta.core.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the device's hardware from {@code /proc}, {@code /sys} and the JDK, in the upstream
 * {@code hardware-info} schema. Every probe is best effort: a missing file leaves its field out and
 * never fails a heartbeat.
 */
public final class HardwareInfoCollector {

    private final Path proc;
    private final Path sys;

    public HardwareInfoCollector() {
        this(Path.of("/proc"), Path.of("/sys"));
    }

    /** For tests: read from other roots. */
    HardwareInfoCollector(Path proc, Path sys) {
        this.proc = proc;
        this.sys = sys;
    }

    public JsonNode collect() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode hw = f.objectNode();
        ObjectNode cpu = hw.putObject("cpu");
        cpu.put("architecture", architecture());
        cpu.put("count", Runtime.getRuntime().availableProcessors());
        cpu.put("model_name", cpuInfo("model name").orElse("unknown"));
        ArrayNode flags = cpu.putArray("flags");
        cpuInfo("flags").ifPresent(s -> Stream.of(s.trim().split("\\s+")).filter(x -> !x.isEmpty()).forEach(flags::add));
        hostname().ifPresent(h -> hw.put("hostname", h));
        ObjectNode memory = hw.putObject("memory");
        memInfoBytes("MemTotal").ifPresent(v -> memory.put("physical_bytes", v).put("usable_bytes", v));
        hw.set("interfaces", interfaces());
        hw.set("disks", disks());
        ObjectNode vendor = hw.putObject("system_vendor");
        vendor.put("manufacturer", dmi("sys_vendor"));
        vendor.put("product_name", dmi("product_name"));
        vendor.put("serial_number", dmi("product_serial"));
        return hw;
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch", "unknown");
        return switch (arch) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> arch;
        };
    }

    private Optional<String> cpuInfo(String key) {
        try (Stream<String> lines = Files.lines(proc.resolve("cpuinfo"))) {
            return lines.filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .filter(v -> !v.isEmpty()).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<Long> memInfoBytes(String key) {
        try (Stream<String> lines = Files.lines(proc.resolve("meminfo"))) {
            return lines.filter(l -> l.startsWith(key + ":")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<String> hostname() {
        try {
            String name = Files.readString(proc.resolve("sys/kernel/hostname")).trim();
            if (!name.isEmpty()) {
                return Optional.of(name);
            }
        } catch (IOException | RuntimeException e) {
            // fall back to the JDK
        }
        try {
            return Optional.of(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String dmi(String file) {
        try {
            String value = Files.readString(sys.resolve("class/dmi/id").resolve(file)).trim();
            return value.isEmpty() ? "unknown" : value;
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static ArrayNode interfaces() {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        try {
            List<NetworkInterface> all = Collections.list(NetworkInterface.getNetworkInterfaces());
            all.sort((a, b) -> a.getName().compareTo(b.getName()));
            for (NetworkInterface ni : all) {
                if (ni.isLoopback()) {
                    continue;
                }
                ObjectNode i = list.addObject();
                i.put("name", ni.getName());
                ArrayNode v4 = i.putArray("ipv4_addresses");
                ArrayNode v6 = i.putArray("ipv6_addresses");
                for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                    String text = a.getAddress().getHostAddress().replaceAll("%.*$", "") + "/" + a.getNetworkPrefixLength();
                    (a.getAddress() instanceof Inet4Address ? v4 : v6).add(text);
                }
                byte[] mac = ni.getHardwareAddress();
                if (mac != null) {
                    StringBuilder sb = new StringBuilder();
                    for (byte b : mac) {
                        sb.append(sb.length() == 0 ? "" : ":").append(String.format("%02x", b));
                    }
                    i.put("mac_address", sb.toString());
                }
                i.put("has_carrier", ni.isUp());
                i.put("mtu", ni.getMTU());
                i.putArray("flags");
            }
        } catch (SocketException e) {
            // no interfaces to report
        }
        return list;
    }

    private ArrayNode disks() {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        try (Stream<Path> blocks = Files.list(sys.resolve("block"))) {
            blocks.sorted().forEach(b -> {
                String name = b.getFileName().toString();
                if (name.startsWith("loop") || name.startsWith("ram")) {
                    return;
                }
                ObjectNode d = list.addObject();
                d.put("name", name);
                d.put("path", "/dev/" + name);
                try {
                    d.put("size_bytes", Long.parseLong(Files.readString(b.resolve("size")).trim()) * 512);
                } catch (IOException | RuntimeException e) {
                    // size unknown
                }
            });
        } catch (IOException e) {
            // no block devices to report
        }
        return list;
    }
}
