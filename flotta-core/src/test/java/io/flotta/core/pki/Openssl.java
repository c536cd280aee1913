package io.flotta.core.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openssl} command line tool in a working directory, for interoperability tests.
 * A missing tool fails the test: these tests prove that other implementations accept our output.
 */
public final class Openssl {

    /** What one run produced. */
    public record Result(int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final Path workingDirectory;

    public Openssl(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    /** Runs {@code openssl args...} and fails unless it exits with 0. Returns stdout. */
    public String ok(String... args) {
        Result result = run(args);
        if (!result.ok()) {
            throw new AssertionError("openssl " + String.join(" ", args) + " exited with " + result.exitCode()
                    + "\nstdout: " + result.stdout() + "\nstderr: " + result.stderr());
        }
        return result.stdout();
    }

    /** Runs {@code openssl args...} whatever its exit code. */
    public Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process;
        Path stdout;
        Path stderr;
        try {
            stdout = Files.createTempFile(workingDirectory, "openssl", ".out");
            stderr = Files.createTempFile(workingDirectory, "openssl", ".err");
            process = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            throw new AssertionError("these tests need the openssl command line tool on the PATH "
                    + "(Debian: apt-get install openssl); starting it failed: " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("openssl " + String.join(" ", args) + " did not finish within 60 s");
            }
            return new Result(process.exitValue(),
                    Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while waiting for openssl", e);
        } catch (IOException e) {
            throw new AssertionError("cannot read openssl's output: " + e.getMessage(), e);
        }
    }

    /** Writes {@code content} to {@code name} in the working directory and returns its path. */
    public Path write(String name, String content) {
        try {
            return Files.writeString(workingDirectory.resolve(name), content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AssertionError("cannot write " + name, e);
        }
    }

    /** Reads {@code name} from the working directory. */
    public String read(String name) {
        try {
            return Files.readString(workingDirectory.resolve(name), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + name, e);
        }
    }
}
