package io.flotta.examples;

import io.flotta.core.pki.Pem;
import io.flotta.core.pki.SecureFiles;
import io.flotta.core.pki.Tls;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.storage.s3.S3StorageSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3 server in the control plane's process: S3Proxy on loopback, HTTPS with a certificate
 * from the control plane's CA (so devices get it as the upstream {@code aws_ca_bundle}), SigV4
 * authentication with a key pair generated once and kept in {@code <directory>/credentials}, and
 * objects stored as files under {@code <directory>/blobs}.
 */
public final class EmbeddedObjectStore implements AutoCloseable {

    private final S3Proxy proxy;
    private final URI endpoint;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String caBundle;

    private EmbeddedObjectStore(Path directory, String host, int port, CertificateAuthority ca) throws Exception {
        Path blobs = Files.createDirectories(directory.resolve("blobs"));
        String[] keys = credentials(directory.resolve("credentials"));
        this.accessKeyId = keys[0];
        this.secretAccessKey = keys[1];
        IssuedCredential tls = ca.issueServer(List.of("localhost"), List.of(host), Duration.ofDays(365));
        this.caBundle = Pem.encodeCertificates(ca.trustAnchors());
        this.proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(blobs.toString()))
                .secureEndpoint(URI.create("https://" + host + ":" + port))
                .sslContext(Tls.serverContext(tls.key(), tls.chain()))
                .awsAuthentication(AuthenticationType.AWS_V4, accessKeyId, secretAccessKey)
                // the SDK's multipart client sends headers S3Proxy does not know
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the embedded S3 server did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        this.endpoint = URI.create("https://" + host + ":" + proxy.getSecurePort());
    }

    /** Starts the store on {@code host} ({@code port} 0 picks a free one). */
    public static EmbeddedObjectStore start(Path directory, String host, int port, CertificateAuthority ca) {
        try {
            return new EmbeddedObjectStore(directory, host, port, ca);
        } catch (FlottaException e) {
            throw e;
        } catch (Exception e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "cannot start the embedded S3 server on "
                    + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Settings for an {@link io.flotta.storage.s3.S3ObjectStorage} that provisions buckets here. */
    public S3StorageSettings.Builder settings(Path stateDirectory) {
        return S3StorageSettings.builder().endpoint(endpoint).credentials(accessKeyId, secretAccessKey)
                .caBundle(caBundle).stateDirectory(stateDirectory);
    }

    private static String[] credentials(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            List<String> lines = Files.readAllLines(file);
            if (lines.size() >= 2 && !lines.get(0).isBlank() && !lines.get(1).isBlank()) {
                return new String[] {lines.get(0).trim(), lines.get(1).trim()};
            }
        }
        SecureRandom random = new SecureRandom();
        byte[] id = new byte[10];
        byte[] secret = new byte[30];
        random.nextBytes(id);
        random.nextBytes(secret);
        String[] keys = {"FLOTTA" + HexFormat.of().withUpperCase().formatHex(id),
                java.util.Base64.getEncoder().withoutPadding().encodeToString(secret)};
        SecureFiles.writePrivate(file, keys[0] + "\n" + keys[1] + "\n");
        return keys;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new FlottaException(FlottaException.Code.INTERNAL, "stopping the embedded S3 server failed", e);
        }
    }
}
