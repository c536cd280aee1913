package io.flotta.transport.http;

import io.flotta.spi.transport.ClientIdentity;
import io.flotta.spi.transport.TransportClientConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Plain JDK HTTPS clients for tests that need what our transport client does not offer. */
final class Https {

    private Https() {
    }

    /** A raw client trusting {@code ca}, presenting {@code identity} (or no certificate when null). */
    static HttpClient rawClient(X509Certificate ca, ClientIdentity identity) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(rawContext(ca, identity))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A TLS context built with the JDK's stock key and trust managers. */
    static SSLContext rawContext(X509Certificate ca, ClientIdentity identity) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
            trustManagers.init(trust);
            KeyManager[] keyManagers = null;
            if (identity != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                char[] password = "test".toCharArray();
                keys.setKeyEntry("client", identity.key(), password, identity.chain().toArray(X509Certificate[]::new));
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(keys, password);
                keyManagers = factory.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers.getTrustManagers(), new SecureRandom());
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static URI base(int port) {
        return URI.create("https://127.0.0.1:" + port);
    }

    static TransportClientConfig clientConfig(int port, X509Certificate ca, ClientIdentity identity) {
        return new TransportClientConfig(base(port), List.of(ca), identity, Duration.ofSeconds(5), Duration.ofSeconds(10));
    }
}
