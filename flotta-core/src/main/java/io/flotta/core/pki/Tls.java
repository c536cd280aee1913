package io.flotta.core.pki;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.transport.ClientIdentity;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS contexts for the device port.
 *
 * <p>The server side accepts any client chain in the handshake (the TLS layer still checks that
 * the client holds the key of its leaf): the control plane verifies the leaf itself, because it
 * must see an expired device certificate to let the device renew it, and must answer 401 rather
 * than drop the connection. Transports set want-client-auth (never need-client-auth).
 *
 * <p>The client side verifies the server's chain against the given trust anchors. It does not
 * check the server's name: the HTTP client does that by setting the endpoint identification
 * algorithm ({@code HTTPS}), which the returned trust manager honours. A context presents one
 * fixed identity whatever CA names the server asks for; after a renewal build a new context, so
 * that no resumed session presents the old certificate.
 */
public final class Tls {

    private static final String PROTOCOL = "TLS";

    private Tls() {
    }

    /** A server context presenting {@code chain} (leaf first) and accepting any client chain. */
    public static SSLContext serverContext(PrivateKey key, List<X509Certificate> chain) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "chain must hold at least the server certificate");
        }
        return context(new FixedIdentityKeyManager(key, chain), new AnyClientTrustManager());
    }

    /** A client context presenting {@code identity} and trusting servers that chain to {@code trustAnchors}. */
    public static SSLContext clientContext(ClientIdentity identity, List<X509Certificate> trustAnchors) {
        Objects.requireNonNull(identity, "identity");
        return context(new FixedIdentityKeyManager(identity.key(), identity.chain()), anchorTrust(trustAnchors));
    }

    /**
     * The peer's certificate chain as presented, leaf first; empty when the peer presented none.
     * The chain is not verified (see the class comment).
     */
    public static List<X509Certificate> peerChain(SSLSession session) {
        if (session == null) {
            return List.of();
        }
        Certificate[] certificates;
        try {
            certificates = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
        List<X509Certificate> chain = new ArrayList<>(certificates.length);
        for (Certificate certificate : certificates) {
            if (certificate instanceof X509Certificate x509) {
                chain.add(x509);
            }
        }
        return List.copyOf(chain);
    }

    private static X509TrustManager anchorTrust(List<X509Certificate> trustAnchors) {
        Objects.requireNonNull(trustAnchors, "trustAnchors");
        if (trustAnchors.isEmpty()) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "trustAnchors must not be empty");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < trustAnchors.size(); i++) {
                store.setCertificateEntry("anchor-" + i, trustAnchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new FlottaException(Code.INTERNAL, "the JDK's PKIX trust manager factory made no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "trust anchors cannot be used: " + e.getMessage(), e);
        }
    }

    private static SSLContext context(KeyManager keyManager, TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new FlottaException(Code.INTERNAL, "cannot create a TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * Presents one key and chain for every key type it fits, ignoring the CA names a peer asks
     * for: a device has exactly one identity, and the server decides whether it is good enough.
     */
    private static final class FixedIdentityKeyManager extends X509ExtendedKeyManager {

        private static final String ALIAS = "flotta";

        private final PrivateKey key;
        private final X509Certificate[] chain;

        FixedIdentityKeyManager(PrivateKey key, List<X509Certificate> chain) {
            this.key = key;
            this.chain = chain.toArray(new X509Certificate[0]);
            if (!Keys.matches(key, this.chain[0].getPublicKey())) {
                throw new FlottaException(Code.INVALID_ARGUMENT,
                        "the private key does not belong to the leaf certificate "
                                + this.chain[0].getSubjectX500Principal().getName());
            }
        }

        private boolean fits(String keyType) {
            // JSSE may qualify a key type ("EC_EC"); the part before '_' is the key algorithm.
            if (keyType == null) {
                return false;
            }
            int underscore = keyType.indexOf('_');
            String algorithm = underscore < 0 ? keyType : keyType.substring(0, underscore);
            return algorithm.equals(key.getAlgorithm());
        }

        private String aliasFor(String... keyTypes) {
            if (keyTypes == null) {
                return null;
            }
            for (String keyType : keyTypes) {
                if (fits(keyType)) {
                    return ALIAS;
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return fits(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return aliasFor(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return aliasFor(keyTypes);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return fits(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return aliasFor(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return aliasFor(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }

    /**
     * Accepts every client chain and names no acceptable CAs, so clients send whatever they have.
     * Extending {@link X509ExtendedTrustManager} keeps JSSE from wrapping it with its own
     * algorithm checks: the control plane judges the certificate. Never used to judge servers.
     */
    private static final class AnyClientTrustManager extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server context does not verify servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a server context does not verify servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a server context does not verify servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
