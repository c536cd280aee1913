package io.flotta.examples.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every end-to-end test has: a temporary directory for its {@link E2eEnvironment}, and the
 * environment closed after the test (its agents killed, its control plane stopped) however it ended.
 */
abstract class E2eTestBase {

    @TempDir
    Path dir;

    /** The test's environment; a test sets it before it starts anything. */
    E2eEnvironment env;

    @AfterEach
    void closeEnvironment() {
        if (env != null) {
            env.close();
        }
    }
}
