package io.flotta.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3StorageSettingsTest {

    private static final Path DIR = Path.of("/tmp/flotta-s3-settings");

    @Test
    void readsProviderProperties() {
        S3StorageSettings s = S3StorageSettings.from(new ProviderConfig(DIR, Map.of(
                S3StorageSettings.ENDPOINT, "https://s3.local:9000",
                S3StorageSettings.ACCESS_KEY_ID, "ak",
                S3StorageSettings.SECRET_ACCESS_KEY, "sk",
                S3StorageSettings.PART_SIZE, String.valueOf(16 << 20),
                S3StorageSettings.MULTIPART_THRESHOLD, String.valueOf(64 << 20),
                S3StorageSettings.BUCKET_PREFIX, "edge")));
        assertThat(s.endpoint()).contains(URI.create("https://s3.local:9000"));
        assertThat(s.deviceEndpoint()).contains(URI.create("https://s3.local:9000"));
        assertThat(s.partSize()).isEqualTo(16 << 20);
        assertThat(s.bucketPrefix()).isEqualTo("edge");
        assertThat(s.stateDirectory()).isEqualTo(DIR);
        assertThat(s.toString()).doesNotContain("sk");
    }

    @Test
    void aDeviceNeedsNoEndpoint() {
        S3StorageSettings s = S3StorageSettings.from(ProviderConfig.of(DIR));
        assertThat(s.endpoint()).isEmpty();
        assertThatThrownBy(() -> S3ObjectStorage.create(s).provision("default", "d"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("s3.endpoint");
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> S3StorageSettings.builder().stateDirectory(DIR).partSize(1 << 20).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("partSize");
        assertThatThrownBy(() -> S3StorageSettings.builder().stateDirectory(DIR).endpoint(URI.create("ftp://x")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> S3StorageSettings.builder().stateDirectory(DIR).endpoint(URI.create("http://x")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("accessKeyId");
        assertThatThrownBy(() -> S3StorageSettings.from(new ProviderConfig(DIR, Map.of(S3StorageSettings.MAX_ATTEMPTS, "many"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(S3StorageSettings.MAX_ATTEMPTS);
        assertThatThrownBy(() -> S3StorageSettings.builder().stateDirectory(DIR).bucketPrefix("Bad_Prefix").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("bucketPrefix");
        assertThatThrownBy(() -> S3StorageSettings.from(new ProviderConfig(null, Map.of())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("directory");
    }

    @Test
    void theProviderIsFoundAsS3() {
        assertThat(io.flotta.core.providers.ProviderRegistry.discover(io.flotta.spi.storage.ObjectStorageProvider.class)
                .select("s3")).isInstanceOf(S3StorageProvider.class);
    }
}
