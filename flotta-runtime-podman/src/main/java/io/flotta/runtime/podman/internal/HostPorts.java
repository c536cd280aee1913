package io.flotta.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotta.spi.runtime.WorkloadEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Opens workloads' host ports in an nftables table of our own ({@code table inet flotta}, chain
 * {@code input}): one accept rule per port, commented with the workload's name so the rules of one
 * workload can be found and removed without touching anything else. A host without nftables (or
 * where nft fails) gets a warning in the log and a warning event, and the workload runs anyway.
 */
public final class HostPorts {

    private static final Logger LOG = LoggerFactory.getLogger(HostPorts.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMMENT_PREFIX = "flotta workload ";
    private static final long TIMEOUT_SECONDS = 30;

    private final String nft;
    private final String table;
    private final String chain;
    private final Consumer<WorkloadEvent> warnings;

    /**
     * @param nft      the nft binary, or null/empty to leave the firewall alone
     * @param table    our table in the inet family
     * @param chain    our input chain in it
     * @param warnings receives a warning event when the firewall could not be changed
     */
    public HostPorts(String nft, String table, String chain, Consumer<WorkloadEvent> warnings) {
        this.nft = nft == null || nft.isBlank() ? null : nft;
        this.table = table;
        this.chain = chain;
        this.warnings = warnings;
    }

    public boolean enabled() {
        return nft != null;
    }

    /** Makes the workload's rules exactly {@code ports}: adds missing ones, deletes the rest. */
    public synchronized void open(String workload, List<HostPort> ports) {
        if (nft == null) {
            return;
        }
        try {
            Map<HostPort, List<Long>> current = rules(workload);
            StringBuilder script = new StringBuilder();
            if (!ports.isEmpty()) {
                script.append("add table inet ").append(table).append('\n');
                script.append("add chain inet ").append(table).append(' ').append(chain)
                        .append(" { type filter hook input priority filter ; policy accept ; }\n");
            }
            Set<HostPort> wanted = new TreeSet<>(ports);
            for (Map.Entry<HostPort, List<Long>> rule : current.entrySet()) {
                List<Long> handles = rule.getValue();
                // keep one rule per wanted port; duplicates and unwanted ones go
                int keep = wanted.contains(rule.getKey()) ? 1 : 0;
                for (int i = keep; i < handles.size(); i++) {
                    script.append("delete rule inet ").append(table).append(' ').append(chain)
                            .append(" handle ").append(handles.get(i)).append('\n');
                }
            }
            for (HostPort port : wanted) {
                if (!current.containsKey(port)) {
                    script.append("add rule inet ").append(table).append(' ').append(chain).append(' ')
                            .append(match(port)).append(" accept comment \"").append(COMMENT_PREFIX)
                            .append(workload).append("\"\n");
                }
            }
            if (script.length() > 0) {
                nft(script.toString(), "-f", "-");
            }
        } catch (NftException e) {
            String message = "could not " + (ports.isEmpty() ? "close" : "open") + " host ports " + ports
                    + " of workload '" + workload + "' in nftables table inet " + table + ": " + e.getMessage();
            LOG.warn("{}; the workload runs anyway, but a host firewall may block its ports", message);
            warnings.accept(new WorkloadEvent(workload, true, "HostPortsFailed", message, Instant.now()));
        }
    }

    /** Removes every rule of the workload. */
    public void close(String workload) {
        open(workload, List.of());
    }

    /** The host ports the firewall currently opens for the workload (empty when nft is unusable). */
    public synchronized Set<HostPort> opened(String workload) {
        if (nft == null) {
            return Set.of();
        }
        try {
            return new TreeSet<>(rules(workload).keySet());
        } catch (NftException e) {
            return Set.of();
        }
    }

    private static String match(HostPort port) {
        String address = "";
        if (!port.hostIp().isEmpty() && !"0.0.0.0".equals(port.hostIp()) && !"::".equals(port.hostIp())) {
            address = (port.hostIp().contains(":") ? "ip6" : "ip") + " daddr " + port.hostIp() + " ";
        }
        return address + port.protocol() + " dport " + port.port();
    }

    /** Our rules for one workload, by port, with their handles. */
    private Map<HostPort, List<Long>> rules(String workload) throws NftException {
        Map<HostPort, List<Long>> result = new TreeMap<>();
        String listing;
        try {
            listing = nft(null, "-j", "list", "chain", "inet", table, chain);
        } catch (NftException e) {
            if (e.ran && e.getMessage().contains("No such file or directory")) {
                return result; // nft ran and found no table or chain yet: no rules
            }
            throw e;
        }
        JsonNode items;
        try {
            items = JSON.readTree(listing).path("nftables");
        } catch (IOException e) {
            throw new NftException("unreadable nft -j output: " + e.getMessage());
        }
        for (JsonNode item : items) {
            JsonNode rule = item.get("rule");
            if (rule == null || !(COMMENT_PREFIX + workload).equals(rule.path("comment").asText())) {
                continue;
            }
            HostPort port = portOf(rule.path("expr"));
            if (port != null) {
                result.computeIfAbsent(port, p -> new ArrayList<>()).add(rule.path("handle").asLong());
            }
        }
        return result;
    }

    /** Reads back the matches {@link #match} wrote: an optional daddr and a protocol dport. */
    private static HostPort portOf(JsonNode expressions) {
        String address = "";
        for (JsonNode expression : expressions) {
            JsonNode payload = expression.path("match").path("left").path("payload");
            JsonNode right = expression.path("match").path("right");
            if ("daddr".equals(payload.path("field").asText())) {
                address = right.asText();
            } else if ("dport".equals(payload.path("field").asText()) && right.canConvertToInt()) {
                return new HostPort(payload.path("protocol").asText(), right.asInt(), address);
            }
        }
        return null;
    }

    private String nft(String stdin, String... args) throws NftException {
        List<String> command = new ArrayList<>();
        command.add(nft);
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new NftException(nft + " cannot be run: " + e.getMessage());
        }
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // nft exited early; its output says why
        }
        try (InputStream out = process.getInputStream()) {
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new NftException(nft + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new NftException(output.strip().isEmpty() ? "exit code " + process.exitValue() : output.strip(), true);
            }
            return output;
        } catch (IOException e) {
            throw new NftException("could not read nft's output: " + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NftException("interrupted");
        }
    }

    private static final class NftException extends Exception {
        /** nft itself ran and refused; otherwise it could not be run at all. */
        final boolean ran;

        NftException(String message) {
            this(message, false);
        }

        NftException(String message, boolean ran) {
            super(message);
            this.ran = ran;
        }
    }
}
