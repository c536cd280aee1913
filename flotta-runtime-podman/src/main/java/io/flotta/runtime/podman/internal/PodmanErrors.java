package io.flotta.runtime.podman.internal;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Turns podman's stderr into a short message and a {@link Code} that says whether retrying helps. */
public final class PodmanErrors {

    /** A registry or the engine could not be reached: the same call can succeed later. */
    private static final List<String> TRANSIENT = List.of(
            "pinging container registry", "dial tcp", "no such host", "i/o timeout", "connection refused",
            "connection reset", "tls handshake timeout", "server misbehaving", "network is unreachable",
            "too many requests", "toomanyrequests", "no space left on device", "database is locked",
            "cannot connect to podman");

    private PodmanErrors() {
    }

    /**
     * The {@code Error:} lines of podman's stderr, or its last meaningful line. Every kube play
     * prints "failed to connect to syslog" when there is no syslog; that is never the reason.
     */
    static String message(String stderr, int exitCode) {
        List<String> lines = stderr.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .filter(line -> !line.contains("failed to connect to syslog"))
                .collect(Collectors.toList());
        List<String> errors = lines.stream()
                .filter(line -> line.startsWith("Error: "))
                .map(line -> line.substring("Error: ".length()))
                .collect(Collectors.toList());
        if (!errors.isEmpty()) {
            return String.join("; ", errors);
        }
        if (!lines.isEmpty()) {
            return lines.get(lines.size() - 1);
        }
        return "podman exited with code " + exitCode;
    }

    /** UNAVAILABLE when the message shows a registry or the engine out of reach, otherwise {@code otherwise}. */
    public static Code classify(String message, Code otherwise) {
        String lower = message.toLowerCase(Locale.ROOT);
        for (String marker : TRANSIENT) {
            if (lower.contains(marker)) {
                return Code.UNAVAILABLE;
            }
        }
        return otherwise;
    }

    static FlottaException failure(PodmanCli.Result result, Code otherwise, String what) {
        String message = result.errorMessage();
        return new FlottaException(classify(message, otherwise), what + ": " + message);
    }
}
