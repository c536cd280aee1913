package io.flotta.storage.s3;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.spi.storage.DataSync;
import io.flotta.spi.storage.ObjectStorage;
import io.flotta.storage.s3.internal.BucketNames;
import io.flotta.storage.s3.internal.Retrier;
import io.flotta.storage.s3.internal.S3Clients;
import io.flotta.storage.s3.internal.S3DataSync;
import io.flotta.storage.s3.internal.S3Errors;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Object storage on any S3-compatible store.
 *
 * <p><b>Control-plane side.</b> {@link #provision} creates (or finds) one bucket per device, named
 * {@code <bucketPrefix>-<namespace>-<device>} (see {@link BucketNames}), and hands the device the
 * control plane's own endpoint and credentials. A plain S3 API has no way to mint credentials: a
 * store with IAM (AWS, or Kubernetes ObjectBucketClaims, where each claim gets its own Secret) is
 * needed for per-device credentials, so on a single-identity store such as S3Proxy every device
 * can technically read every bucket. The bucket per device still keeps each device's data apart by
 * name and lets it be deleted on its own. {@link #release} keeps the data unless
 * {@code deleteOnRelease} is set: deleting a device must not silently destroy what it uploaded.
 *
 * <p><b>Device side.</b> {@link #dataSync} returns a syncer bound to one bucket; see
 * {@link S3DataSync} for what a pass does.
 */
public final class S3ObjectStorage implements ObjectStorage {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStorage.class);

    private final S3StorageSettings settings;
    private final S3Client control;

    private S3ObjectStorage(S3StorageSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.control = settings.endpoint().map(endpoint -> S3Clients.create(endpoint, settings.region(),
                settings.accessKeyId(), settings.secretAccessKey(), settings.caBundle(), settings)).orElse(null);
    }

    public static S3ObjectStorage create(S3StorageSettings settings) {
        return new S3ObjectStorage(settings);
    }

    public S3StorageSettings settings() {
        return settings;
    }

    /** The bucket a device gets. */
    public String bucketName(String namespace, String deviceId) {
        return BucketNames.of(settings.bucketPrefix(), namespace, deviceId);
    }

    @Override
    public BucketAccess provision(String namespace, String deviceId) {
        S3Client client = controlClient();
        String bucket = bucketName(namespace, deviceId);
        Retrier retrier = retrier(bucket);
        if (!exists(client, retrier, bucket)) {
            try {
                retrier.call("CREATE bucket", () -> client.createBucket(b -> b.bucket(bucket)));
                LOG.info("created bucket {} for device {}/{}", bucket, namespace, deviceId);
            } catch (FlottaException e) {
                // a concurrent provision (another control-plane replica) may have won
                if (!(e.getCause() instanceof SdkException sdk
                        && "BucketAlreadyOwnedByYou".equals(S3Errors.errorCode(sdk)))) {
                    throw e;
                }
            }
        }
        URI endpoint = settings.deviceEndpoint().orElseThrow();
        return new BucketAccess(endpoint, bucket, settings.region(), settings.accessKeyId(),
                settings.secretAccessKey(), settings.caBundle());
    }

    private static boolean exists(S3Client client, Retrier retrier, String bucket) {
        try {
            retrier.call("HEAD bucket", () -> client.headBucket(b -> b.bucket(bucket)));
            return true;
        } catch (FlottaException e) {
            if (e.code() == Code.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void release(String namespace, String deviceId) {
        String bucket = bucketName(namespace, deviceId);
        if (!settings.deleteOnRelease()) {
            LOG.info("device {}/{} released; its bucket {} and data are kept", namespace, deviceId, bucket);
            return;
        }
        S3Client client = controlClient();
        Retrier retrier = retrier(bucket);
        if (!exists(client, retrier, bucket)) {
            return;
        }
        retrier.call("ABORT uploads", () -> {
            client.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads().forEach(u ->
                    client.abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId())));
            return null;
        });
        retrier.call("DELETE objects", () -> {
            client.listObjectsV2Paginator(b -> b.bucket(bucket)).forEach(page -> {
                List<ObjectIdentifier> ids = page.contents().stream().map(S3Object::key)
                        .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
                if (!ids.isEmpty()) {
                    client.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
                }
            });
            return null;
        });
        retrier.call("DELETE bucket", () -> client.deleteBucket(b -> b.bucket(bucket)));
        LOG.info("device {}/{} released; bucket {} deleted", namespace, deviceId, bucket);
    }

    /** The objects under {@code prefix} in a device's bucket, key to size, in key order (control-plane side). */
    public java.util.SortedMap<String, Long> objects(String bucket, String prefix) {
        S3Client client = controlClient();
        return retrier(bucket).call("LIST " + prefix, () -> {
            java.util.SortedMap<String, Long> result = new java.util.TreeMap<>();
            client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()
                    .forEach(o -> result.put(o.key(), o.size()));
            return result;
        });
    }

    /** One object's content (control-plane side); meant for small objects. */
    public byte[] read(String bucket, String key) {
        S3Client client = controlClient();
        return retrier(bucket).call("GET " + key, () -> client.getObjectAsBytes(b -> b.bucket(bucket).key(key))
                .asByteArray());
    }

    @Override
    public DataSync dataSync(BucketAccess access) {
        Objects.requireNonNull(access, "access");
        return new S3DataSync(S3Clients.create(access, settings), access, settings);
    }

    private S3Client controlClient() {
        if (control == null) {
            throw new ConfigurationException("s3: provisioning buckets needs an endpoint and credentials ("
                    + S3StorageSettings.ENDPOINT + ", " + S3StorageSettings.ACCESS_KEY_ID + ", "
                    + S3StorageSettings.SECRET_ACCESS_KEY + ")");
        }
        return control;
    }

    private Retrier retrier(String bucket) {
        return new Retrier(bucket, settings.maxAttempts(), settings.initialBackoff(), settings.maxBackoff());
    }

    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
    }
}
