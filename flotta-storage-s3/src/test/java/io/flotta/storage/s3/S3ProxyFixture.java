package io.flotta.storage.s3;

import io.flotta.storage.s3.internal.S3Clients;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A real S3Proxy on 127.0.0.1 with SigV4 authentication and a filesystem store, counting the
 * writes that reach the store (per key), and able to stop and come back on the same port.
 */
final class S3ProxyFixture implements AutoCloseable {

    static final String ACCESS_KEY = "flotta-it";
    static final String SECRET_KEY = "flotta-it-secret-key-0123456789";

    private final Path storeDirectory;
    private final BlobStore store;
    private final Map<String, AtomicInteger> puts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> parts = new ConcurrentHashMap<>();
    private final AtomicInteger completes = new AtomicInteger();
    private S3Proxy proxy;
    private int port;

    private S3ProxyFixture(Path storeDirectory) throws Exception {
        this.storeDirectory = storeDirectory;
        Files.createDirectories(storeDirectory);
        this.store = new CountingStore(new FilesystemNio2BlobStore(storeDirectory.toString()));
        start(0);
    }

    static S3ProxyFixture start(Path storeDirectory) throws Exception {
        return new S3ProxyFixture(storeDirectory);
    }

    private void start(int onPort) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + onPort))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        port = proxy.getPort();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Stops serving; the store's files stay. */
    void stop() throws Exception {
        proxy.stop();
    }

    /** Serves again on the same port. */
    void restart() throws Exception {
        start(port);
    }

    /** Single-request PUTs that reached the store for {@code key}. */
    int puts(String key) {
        AtomicInteger n = puts.get(key);
        return n == null ? 0 : n.get();
    }

    int totalPuts() {
        return puts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int partUploads(String key) {
        AtomicInteger n = parts.get(key);
        return n == null ? 0 : n.get();
    }

    int completedMultipartUploads() {
        return completes.get();
    }

    S3StorageSettings.Builder settings(Path stateDirectory) {
        return S3StorageSettings.builder().endpoint(endpoint()).credentials(ACCESS_KEY, SECRET_KEY)
                .stateDirectory(stateDirectory);
    }

    /** A client for assertions, as the control plane would have it. */
    S3Client client() {
        return S3Clients.create(endpoint(), "us-east-1", ACCESS_KEY, SECRET_KEY, "",
                S3StorageSettings.builder().stateDirectory(storeDirectory).build());
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }

    private final class CountingStore extends ForwardingBlobStore {
        CountingStore(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
            puts.computeIfAbsent(request.key(), k -> new AtomicInteger()).incrementAndGet();
            return super.putBlob(request, content);
        }

        @Override
        public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
                InputStream content) {
            parts.computeIfAbsent(upload.blobName(), k -> new AtomicInteger()).incrementAndGet();
            return super.uploadMultipartPart(upload, request, content);
        }

        @Override
        public software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse completeMultipartUpload(
                MultipartUpload upload, software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest request) {
            completes.incrementAndGet();
            return super.completeMultipartUpload(upload, request);
        }
    }
}
