package io.flotta.storage.s3.internal;

import io.flotta.core.pki.Pem;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.storage.BucketAccess;
import io.flotta.storage.s3.S3StorageSettings;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the SDK clients: path-style, our own retries, MD5 checksums, the endpoint's CA trusted. */
public final class S3Clients {

    private S3Clients() {
    }

    public static S3Client create(URI endpoint, String region, String accessKeyId, String secretAccessKey,
            String caBundle, S3StorageSettings settings) {
        Apache5HttpClient.Builder http = Apache5HttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .connectionAcquisitionTimeout(Duration.ofSeconds(30))
                .maxConnections(8);
        if (caBundle != null && !caBundle.isBlank()) {
            TrustManager[] trust = trustManagers(caBundle);
            http.tlsTrustManagersProvider(() -> trust);
        }
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                // bucket names in the host need wildcard DNS that on-premises stores rarely have
                .forcePathStyle(true)
                // integrity comes from Content-MD5 on every PUT and part, which every S3 server
                // checks; the SDK's default trailing CRC checksums are not understood by all of them
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(http.build())
                .overrideConfiguration(o -> o
                        // retries are ours (Retrier): one policy, one backoff, visible in our logs
                        .retryStrategy(b -> b.maxAttempts(1))
                        .apiCallTimeout(settings.requestTimeout()))
                .build();
    }

    public static S3Client create(BucketAccess access, S3StorageSettings settings) {
        if (access.accessKeyId() == null || access.secretAccessKey() == null) {
            throw new ConfigurationException("bucket " + access.bucket() + ": no credentials in the bucket access");
        }
        return create(access.endpoint(), access.region(), access.accessKeyId(), access.secretAccessKey(),
                access.caBundle(), settings);
    }

    private static TrustManager[] trustManagers(String pem) {
        try {
            List<X509Certificate> certificates = Pem.readCertificates(pem);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException | io.flotta.spi.FlottaException e) {
            throw new ConfigurationException("s3: unusable CA bundle: " + e.getMessage(), e);
        }
    }
}
