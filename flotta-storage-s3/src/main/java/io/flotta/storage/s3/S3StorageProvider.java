package io.flotta.storage.s3;

import io.flotta.spi.ProviderConfig;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.storage.ObjectStorageProvider;

/**
 * The {@code s3} object storage provider. Reads the {@code s3.*} properties listed in
 * {@link S3StorageSettings}; {@link ProviderConfig#directory()} is required (upload manifests).
 */
public final class S3StorageProvider implements ObjectStorageProvider {

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public ObjectStorage create(ProviderConfig config) {
        return S3ObjectStorage.create(S3StorageSettings.from(config));
    }
}
