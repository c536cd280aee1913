package io.flotta.storage.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BucketNamesTest {

    private static final String VALID = "[a-z0-9][a-z0-9-]{1,61}[a-z0-9]";

    @Test
    void simpleNamesAreKeptReadable() {
        assertThat(BucketNames.of("flotta", "default", "3d1219c7-c4c5-404a-aa1f-6d2a48adfda4"))
                .isEqualTo("flotta-default-3d1219c7-c4c5-404a-aa1f-6d2a48adfda4");
    }

    @Test
    void namesThatWouldChangeOrOverflowGetAHashSoDevicesNeverShareABucket() {
        String a = BucketNames.of("flotta", "default", "Device.A");
        String b = BucketNames.of("flotta", "default", "device-a");
        String c = BucketNames.of("flotta", "default", "device_a");
        assertThat(a).matches(VALID).isNotEqualTo(b).isNotEqualTo(c);
        assertThat(c).matches(VALID).isNotEqualTo(b);
        String longName = BucketNames.of("flotta", "a-very-long-namespace-name-for-a-fleet", "x".repeat(60));
        assertThat(longName).matches(VALID).hasSizeLessThanOrEqualTo(63);
        assertThat(BucketNames.of("flotta", "ns", "---")).matches(VALID);
    }
}
