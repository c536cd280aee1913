package io.flotta.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntityTagsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "\"v1\"|v1",
            "W/\"v1\"|v1",
            "w/\"v1\"|v1",
            "v1|v1",
            "  \"v1\"  |v1",
            "\"v1\", \"v0\"|v1",
            "v1, v0|v1",
            "\"\"|null",
            "''|null",
            "\"unterminated|unterminated",
            "*|*"})
    void unquote(String header, String version) {
        assertThat(EntityTags.unquote(header)).isEqualTo(version);
    }

    @Test
    void validVersions() {
        assertThat(EntityTags.isValid("abc123")).isTrue();
        assertThat(EntityTags.isValid("sha256:0f1e")).isTrue();
        assertThat(EntityTags.isValid(null)).isFalse();
        assertThat(EntityTags.isValid("")).isFalse();
        assertThat(EntityTags.isValid("a b")).isFalse();
        assertThat(EntityTags.isValid("a\"b")).isFalse();
        assertThat(EntityTags.isValid("caf\u00e9")).isFalse();
        assertThat(EntityTags.isValid("line\r\nSet-Cookie: x")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"abc123", "42"})
    void quoteRoundTrips(String version) {
        assertThat(EntityTags.quote(version)).isEqualTo('"' + version + '"');
        assertThat(EntityTags.unquote(EntityTags.quote(version))).isEqualTo(version);
    }
}
