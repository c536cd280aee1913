package io.flotta.core.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the recorded upstream traffic lives, for every module's conformance tests. */
public final class Conformance {

    public static final String OPERATOR_SESSION = "upstream-operator-session.jsonl";
    public static final String WORKER_SESSION = "yggd-device-worker-session.jsonl";

    private Conformance() {
    }

    /**
     * {@code shared/conformance} beside the checkout: the nearest ancestor of the working directory
     * with such a child wins (the system property {@code flotta.conformance.dir} overrides). Absent
     * recordings fail the calling test.
     */
    public static Path directory() {
        String override = System.getProperty("flotta.conformance.dir");
        if (override != null) {
            Path dir = Path.of(override);
            if (!Files.isDirectory(dir)) {
                throw new AssertionError("flotta.conformance.dir=" + override + " is not a directory");
            }
            return dir;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("conformance");
            if (Files.isRegularFile(candidate.resolve(OPERATOR_SESSION))
                    && Files.isRegularFile(candidate.resolve(WORKER_SESSION))) {
                return candidate;
            }
        }
        throw new AssertionError("no shared/conformance with " + OPERATOR_SESSION + " and " + WORKER_SESSION
                + " in " + start + " or any parent; check out the shared directory beside the project "
                + "or set -Dflotta.conformance.dir");
    }
}
