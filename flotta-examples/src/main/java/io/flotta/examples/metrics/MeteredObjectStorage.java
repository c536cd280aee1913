package io.flotta.examples.metrics;

import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.spi.storage.SyncResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

/** Device-side object storage whose data syncs are counted: runs by result, files and bytes uploaded. */
final class MeteredObjectStorage implements ObjectStorage {

    private final ObjectStorage delegate;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter files;
    private final Counter bytes;

    MeteredObjectStorage(ObjectStorage delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.succeeded = Counter.builder("flotta.agent.data.syncs").tag("result", "ok")
                .description("Workload data uploads (one run over a data directory) by result").register(registry);
        this.failed = Counter.builder("flotta.agent.data.syncs").tag("result", "failed").register(registry);
        this.files = Counter.builder("flotta.agent.data.files.uploaded").description("Files uploaded")
                .register(registry);
        this.bytes = Counter.builder("flotta.agent.data.uploaded").baseUnit("bytes").description("Bytes uploaded")
                .register(registry);
    }

    @Override
    public BucketAccess provision(String namespace, String deviceId) {
        return delegate.provision(namespace, deviceId);
    }

    @Override
    public void release(String namespace, String deviceId) {
        delegate.release(namespace, deviceId);
    }

    @Override
    public DataSync dataSync(BucketAccess access) {
        DataSync sync = delegate.dataSync(access);
        return new DataSync() {
            @Override
            public SyncResult sync(Path directory, String prefix) {
                SyncResult result;
                try {
                    result = sync.sync(directory, prefix);
                } catch (RuntimeException e) {
                    failed.increment();
                    throw e;
                }
                files.increment(result.uploaded());
                bytes.increment(result.bytesUploaded());
                (result.succeeded() ? succeeded : failed).increment();
                return result;
            }

            @Override
            public void close() {
                sync.close();
            }
        };
    }

    @Override
    public void close() {
        delegate.close();
    }
}
