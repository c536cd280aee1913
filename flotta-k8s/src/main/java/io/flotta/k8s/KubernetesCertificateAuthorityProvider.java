package io.flotta.k8s;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flotta.core.pki.SecureFiles;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateAuthorityProvider;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code k8s} CA: the embedded CA whose key and certificate live in a Secret, so every replica
 * of the control plane signs with the same CA and a new pod finds it again. On first start the CA is
 * created and stored in the Secret; when two replicas race, the Secret written first wins and the
 * other adopts it. {@link ProviderConfig#directory()} holds a private working copy (an
 * {@code emptyDir} in a pod).
 *
 * <p>Properties: {@value KubernetesStoreProvider#KUBECONFIG} and {@value KubernetesStoreProvider#NAMESPACE}
 * as for the store, {@value #SECRET} (default {@value #DEFAULT_SECRET}); the embedded CA's
 * {@code ca.*} properties apply when the CA is created.
 */
public final class KubernetesCertificateAuthorityProvider implements CertificateAuthorityProvider {

    public static final String SECRET = "k8s.caSecret";
    public static final String DEFAULT_SECRET = "flotta-ca";
    /** Secret keys, the same names as the embedded CA's files. */
    static final String CERTIFICATE = "ca.crt";
    static final String KEY = "ca.key";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesCertificateAuthorityProvider.class);

    private final KubernetesStoreProvider credentials = new KubernetesStoreProvider();

    @Override
    public String name() {
        return "k8s";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String unavailableReason() {
        return credentials.unavailableReason();
    }

    @Override
    public CertificateAuthority create(ProviderConfig config) {
        var clientConfig = KubernetesStoreProvider.clientConfig(config);
        String namespace = config.property(KubernetesStoreProvider.NAMESPACE).filter(ns -> !"*".equals(ns))
                .orElse(clientConfig.getNamespace() == null ? "default" : clientConfig.getNamespace());
        KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build();
        try {
            return new Owning(open(client, namespace, config.property(SECRET, DEFAULT_SECRET), config), client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Opens the CA kept in Secret {@code namespace/secretName}, creating both on first use. The
     * client stays the caller's.
     */
    public static CertificateAuthority open(KubernetesClient client, String namespace, String secretName, ProviderConfig config) {
        Path dir = SecureFiles.createPrivateDirectory(config.directory());
        var secrets = client.secrets().inNamespace(namespace);
        try {
            Secret secret = secrets.withName(secretName).get();
            if (secret != null) {
                writeLocal(dir, secret, namespace + "/" + secretName);
                return embedded(config);
            }
            CertificateAuthority created = embedded(config);
            Secret fresh = new SecretBuilder()
                    .withNewMetadata().withName(secretName).withNamespace(namespace)
                    .addToLabels("app.kubernetes.io/part-of", "flotta").endMetadata()
                    .withType("Opaque")
                    .withData(Map.of(CERTIFICATE, base64(dir.resolve(CERTIFICATE)), KEY, base64(dir.resolve(KEY))))
                    .build();
            try {
                secrets.resource(fresh).create();
                LOG.info("CA key material stored in Secret {}/{}", namespace, secretName);
                return created;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    created.close();
                    throw e;
                }
                // another replica stored its CA first: use that one
                created.close();
                writeLocal(dir, secrets.withName(secretName).get(), namespace + "/" + secretName);
                return embedded(config);
            }
        } catch (KubernetesClientException e) {
            throw KubernetesStore.translate("use the CA Secret " + namespace + "/" + secretName, e);
        }
    }

    private static CertificateAuthority embedded(ProviderConfig config) {
        return ProviderRegistry.discover(CertificateAuthorityProvider.class).select("embedded").create(config);
    }

    private static void writeLocal(Path dir, Secret secret, String what) {
        Map<String, String> data = secret == null ? null : secret.getData();
        if (data == null || data.get(CERTIFICATE) == null || data.get(KEY) == null) {
            throw new ConfigurationException("Secret " + what + " must hold " + CERTIFICATE + " and " + KEY
                    + ": fix or delete it (deleting it creates a new CA that no device trusts)");
        }
        Base64.Decoder decoder = Base64.getDecoder();
        SecureFiles.writePublic(dir.resolve(CERTIFICATE), new String(decoder.decode(data.get(CERTIFICATE)),
                java.nio.charset.StandardCharsets.US_ASCII));
        SecureFiles.writePrivate(dir.resolve(KEY), decoder.decode(data.get(KEY)));
    }

    private static String base64(Path file) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new FlottaException(Code.INTERNAL, "cannot read the new CA's " + file.getFileName(), e);
        }
    }

    /** The CA plus the client the provider made for it, closed together. */
    private record Owning(CertificateAuthority ca, KubernetesClient client) implements CertificateAuthority {
        @Override
        public List<X509Certificate> trustAnchors() {
            return ca.trustAnchors();
        }

        @Override
        public X509Certificate signDevice(String csrPem, CertificateSubject subject, Duration validity) {
            return ca.signDevice(csrPem, subject, validity);
        }

        @Override
        public IssuedCredential issueRegistration(Duration validity) {
            return ca.issueRegistration(validity);
        }

        @Override
        public IssuedCredential issueServer(List<String> dnsNames, List<String> ipAddresses, Duration validity) {
            return ca.issueServer(dnsNames, ipAddresses, validity);
        }

        @Override
        public IssuedCredential issueClient(CertificateSubject subject, Duration validity) {
            return ca.issueClient(subject, validity);
        }

        @Override
        public boolean issued(X509Certificate certificate) {
            return ca.issued(certificate);
        }

        @Override
        public void close() {
            try {
                ca.close();
            } finally {
                client.close();
            }
        }
    }
}
