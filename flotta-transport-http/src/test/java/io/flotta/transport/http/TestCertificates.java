package io.flotta.transport.http;

import io.flotta.spi.transport.ClientIdentity;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway PKI for the transport tests: ECDSA P-256 like the real CA, made with BouncyCastle and
 * the JDK's own providers (nothing is registered globally).
 */
public final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key pair and its certificate. */
    public record Issued(PrivateKey key, X509Certificate certificate) {

        public ClientIdentity identity() {
            return new ClientIdentity(key, List.of(certificate));
        }

        public String commonName() {
            return cn(certificate);
        }
    }

    private final Issued ca;
    private final Issued server;

    private TestCertificates(Issued ca, Issued server) {
        this.ca = ca;
        this.server = server;
    }

    /** A fresh CA and a server certificate for {@code 127.0.0.1} and {@code localhost}. */
    public static TestCertificates create() {
        Issued ca = selfSignedCa("Flotta Test CA");
        Issued server = issue(ca, "flotta-server", Instant.now().minus(Duration.ofMinutes(5)),
                Instant.now().plus(Duration.ofDays(1)), true, List.of("127.0.0.1"), List.of("localhost"));
        return new TestCertificates(ca, server);
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    public Issued ca() {
        return ca;
    }

    public Issued server() {
        return server;
    }

    /** A valid client certificate with CN {@code cn}, signed by this CA. */
    public Issued client(String cn) {
        return issue(ca, cn, Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofDays(1)),
                false, List.of(), List.of());
    }

    /** A client certificate that expired yesterday. */
    public Issued expiredClient(String cn) {
        return issue(ca, cn, Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1)),
                false, List.of(), List.of());
    }

    /** A server certificate from this CA that names only {@code localhost}, not {@code 127.0.0.1}. */
    public Issued serverWithoutIpSan() {
        return issue(ca, "flotta-server", Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofDays(1)),
                true, List.of(), List.of("localhost"));
    }

    /** The server's TLS context: its certificate, and any client chain accepted (the API verifies). */
    public SSLContext serverContext() {
        return serverContext(server);
    }

    public SSLContext serverContext(Issued serverIdentity) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = "test".toCharArray();
            store.setKeyEntry("server", serverIdentity.key(), password,
                    new X509Certificate[] {serverIdentity.certificate(), ca.certificate()});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), new TrustManager[] {new AcceptAnyClient()}, RANDOM);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CA nobody trusts, for certificates the API must reject. */
    public static Issued foreignCa() {
        return selfSignedCa("Some Other CA");
    }

    /** A client certificate signed by {@code issuer}. */
    public static Issued clientOf(Issued issuer, String cn) {
        return issue(issuer, cn, Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plus(Duration.ofDays(1)),
                false, List.of(), List.of());
    }

    public static String cn(X509Certificate certificate) {
        String name = certificate.getSubjectX500Principal().getName();
        for (String part : name.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return null;
    }

    /**
     * Writes {@code object} as PEM: a certificate, or a private key as PKCS#8. (BouncyCastle would
     * write a JDK EC key as SEC1 without its curve, which OpenSSL and Go cannot read.)
     */
    public static Path writePem(Path file, Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            if (object instanceof PrivateKey key) {
                pem.writeObject(new JcaPKCS8Generator(key, null));
            } else {
                pem.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Files.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Issued selfSignedCa(String cn) {
        KeyPair keys = ecKeyPair();
        X500Name name = new X500Name("CN=" + cn);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return new Issued(keys.getPrivate(), sign(builder, keys.getPrivate()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Issued issue(Issued issuer, String cn, Instant notBefore, Instant notAfter, boolean server,
            List<String> ipSans, List<String> dnsSans) {
        KeyPair keys = ecKeyPair();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.certificate(), serial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + cn + ",O=flotta-operator"),
                    keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(issuer.certificate()))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            if (!ipSans.isEmpty() || !dnsSans.isEmpty()) {
                GeneralName[] names = new GeneralName[ipSans.size() + dnsSans.size()];
                int i = 0;
                for (String ip : ipSans) {
                    names[i++] = new GeneralName(GeneralName.iPAddress, ip);
                }
                for (String dns : dnsSans) {
                    names[i++] = new GeneralName(GeneralName.dNSName, dns);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new Issued(keys.getPrivate(), sign(builder, issuer.key()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(126);
    }

    /** Accepts any client chain: certificate checks belong to the DeviceApi, not to TLS. */
    private static final class AcceptAnyClient extends X509ExtendedTrustManager {
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
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("server-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("server-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("server-side trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
