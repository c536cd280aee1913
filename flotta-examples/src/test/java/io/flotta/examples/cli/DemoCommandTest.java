package io.flotta.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void aTakenWorkloadPortStopsTheDemoBeforeItStartsAnythingAndNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream original = System.err;
            int exit;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                exit = new CommandLine(new DemoCommand()).execute("--port", "0", "--admin-port", "0", "--workload-port", Integer.toString(port),
                        "--data-dir", dir.resolve("demo").toString());
            } finally {
                System.setErr(original);
            }

            assertThat(exit).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("port " + port + " on 127.0.0.1 (the sample workload's host port) is already in use")
                    .contains("--workload-port");
            assertThat(dir.resolve("demo")).as("nothing was started").doesNotExist();
        }
    }

    @Test
    void busyPortNamesTheOptionThatChangesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(DemoCommand.busyPort(taken.getLocalPort(), "the device API", "--port"))
                    .hasValueSatisfying(m -> assertThat(m).contains("port " + taken.getLocalPort()).contains("--port"));
        }
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        assertThat(DemoCommand.busyPort(free, "x", "--x")).isEmpty();
        assertThat(DemoCommand.busyPort(0, "x", "--x")).as("0 means any free port").isEmpty();
    }
}
