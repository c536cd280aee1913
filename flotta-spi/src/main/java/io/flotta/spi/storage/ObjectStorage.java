package io.flotta.spi.storage;

/**
 * Object storage for workload data.
 *
 * <p>Control-plane side: {@link #provision} and {@link #release}, both idempotent. Device side:
 * {@link #dataSync}. Thread-safe.
 */
public interface ObjectStorage extends AutoCloseable {

    /** Creates (or finds) the device's bucket and credentials. */
    BucketAccess provision(String namespace, String deviceId);

    /** Forgets the device's bucket; whether data is deleted is the provider's documented choice. */
    void release(String namespace, String deviceId);

    /** A syncer writing with the given access. */
    DataSync dataSync(BucketAccess access);

    @Override
    void close();
}
