package io.flotta.transport.http.internal;

import io.flotta.core.pki.Keys;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.transport.ClientIdentity;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the device's TLS context: trust in the control plane's CA plus one client identity. */
final class ClientTls {

    private ClientTls() {
    }

    /**
     * @param trustAnchors CA certificates the server must chain to; empty means the JDK's default
     *                     trust store
     */
    static SSLContext context(List<X509Certificate> trustAnchors, ClientIdentity identity) {
        try {
            PrivateKey key = providerNeutral(identity.key());
            requireMatchingKey(key, identity.leaf());
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            if (trustAnchors.isEmpty()) {
                trust.init((KeyStore) null);
            } else {
                KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
                anchors.load(null, null);
                for (int i = 0; i < trustAnchors.size(); i++) {
                    anchors.setCertificateEntry("anchor-" + i, trustAnchors.get(i));
                }
                trust.init(anchors);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new IdentityKeyManager(key, identity.chain())},
                    trust.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigurationException("cannot build the TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * Keys made by BouncyCastle's provider call themselves {@code ECDSA}; TLS asks for {@code EC}.
     * Re-reading the key through the JDK's own factory gives the name (and implementation) the JDK's
     * TLS stack expects.
     */
    static PrivateKey providerNeutral(PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "EC";
            case "RSA" -> "RSA";
            default -> null;
        };
        if (algorithm == null || !"PKCS#8".equals(key.getFormat())) {
            return key;
        }
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    }

    /** Fails early with a clear message instead of an opaque handshake failure later. */
    private static void requireMatchingKey(PrivateKey key, X509Certificate leaf) {
        if (!key.getAlgorithm().equals("EC") && !key.getAlgorithm().equals("RSA")) {
            return;
        }
        if (!Keys.matches(key, leaf.getPublicKey())) {
            throw new ConfigurationException("identity.key does not belong to the certificate of "
                    + leaf.getSubjectX500Principal().getName());
        }
    }
}
