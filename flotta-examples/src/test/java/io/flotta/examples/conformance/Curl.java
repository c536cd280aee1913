package io.flotta.examples.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code curl} command line tool (its own TLS and HTTP stack, OpenSSL underneath) in a
 * working directory. A missing tool fails the test: the point is that another client works.
 */
final class Curl {

    /** What one call got: the status, the body and the response headers as curl dumped them. */
    record Result(int status, String body, String headers) {
    }

    private final Path workingDirectory;

    Curl(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    /** {@code curl args... url}, over HTTP/1.1; fails unless curl itself succeeded (any status). */
    Result run(String url, String... args) {
        try {
            Path body = Files.createTempFile(workingDirectory, "curl", ".body");
            Path headers = Files.createTempFile(workingDirectory, "curl", ".headers");
            List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--http1.1",
                    "--max-time", "30", "--output", body.toString(), "--dump-header", headers.toString(),
                    "--write-out", "%{http_code}"));
            command.addAll(List.of(args));
            command.add(url);
            Process process;
            try {
                process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new AssertionError("this test needs the curl command line tool on the PATH "
                        + "(Debian: apt-get install curl); starting it failed: " + e.getMessage(), e);
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("curl did not finish within 60 s: " + command);
            }
            assertThat(process.exitValue()).as("curl exit status for %s; output: %s", command, output).isZero();
            return new Result(Integer.parseInt(output.strip()), Files.readString(body, StandardCharsets.UTF_8),
                    Files.readString(headers, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("curl's files could not be used", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for curl", e);
        }
    }
}
