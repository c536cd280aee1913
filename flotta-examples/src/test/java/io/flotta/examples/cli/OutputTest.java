package io.flotta.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputTest {

    @Test
    void tablesAlignColumnsToTheWidestCell() {
        StringWriter out = new StringWriter();
        Output.table(new PrintWriter(out), List.of("NAME", "STATUS"),
                List.of(List.of("a-long-device-name", "Online"), List.of("b", "Offline")));

        assertThat(out.toString().lines()).containsExactly(
                "NAME                 STATUS",
                "a-long-device-name   Online",
                "b                    Offline");
    }

    @Test
    void agesAreShortAndSayDashWhenUnknown() {
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        assertThat(Output.age(TextNode.valueOf("2026-11-26T11:59:55Z"), now)).isEqualTo("5s");
        assertThat(Output.age(TextNode.valueOf("2026-11-26T11:50:00Z"), now)).isEqualTo("10m");
        assertThat(Output.age(TextNode.valueOf("2026-11-26T07:00:00Z"), now)).isEqualTo("5h");
        assertThat(Output.age(TextNode.valueOf("2026-11-20T12:00:00Z"), now)).isEqualTo("6d");
        assertThat(Output.age(null, now)).isEqualTo("-");
        assertThat(Output.age(TextNode.valueOf("yesterday"), now)).isEqualTo("-");
    }

    @Test
    void statesAreCapitalizedAndAMissingOneIsPending() {
        assertThat(Output.capitalized("online")).isEqualTo("Online");
        assertThat(Output.capitalized(null)).isEqualTo("Pending");
    }
}
