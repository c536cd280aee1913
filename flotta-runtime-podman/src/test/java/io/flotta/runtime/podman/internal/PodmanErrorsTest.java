package io.flotta.runtime.podman.internal;

import io.flotta.spi.FlottaException.Code;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Messages as podman 4.3 printed them on this project's machines. */
class PodmanErrorsTest {

    @Test
    void messageKeepsTheErrorLinesAndDropsSyslogNoise() {
        String stderr = "time=\"2026-11-26T10:53:08Z\" level=warning msg=\"Failed, retrying in 1s ... (1/3).\"\n"
                + "Error: localhost/flotta/nope:1: image not known\n"
                + "failed to connect to syslog: Initialization\n";
        assertThat(PodmanErrors.message(stderr, 125)).isEqualTo("localhost/flotta/nope:1: image not known");
        assertThat(PodmanErrors.message("failed to connect to syslog\n", 125)).isEqualTo("podman exited with code 125");
        assertThat(PodmanErrors.message("something odd\n", 1)).isEqualTo("something odd");
    }

    @Test
    void unreachableRegistriesAreRetryableAndRefusalsAreNot() {
        assertThat(PodmanErrors.classify("initializing source docker://localhost/nope:1: pinging container registry "
                + "localhost: Get \"https://localhost/v2/\": dial tcp 127.0.0.1:443: connect: connection refused",
                Code.INVALID_ARGUMENT)).isEqualTo(Code.UNAVAILABLE);
        assertThat(PodmanErrors.classify("initializing source docker://quay.io/nope:1: pinging container registry quay.io: "
                + "Get \"https://quay.io/v2/\": dial tcp: lookup quay.io on 10.0.0.53:53: no such host",
                Code.INVALID_ARGUMENT)).isEqualTo(Code.UNAVAILABLE);
        assertThat(PodmanErrors.classify("localhost/flotta/nope:1: image not known", Code.INVALID_ARGUMENT))
                .isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(PodmanErrors.classify("multi doc yaml could not be split: yaml: line 6: did not find expected node content",
                Code.INVALID_ARGUMENT)).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(PodmanErrors.classify("cannot set env FROMSEC: no secret with name or id \"x\": no such secret",
                Code.INVALID_ARGUMENT)).isEqualTo(Code.INVALID_ARGUMENT);
    }
}
