package io.flotta.core.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.ModelJson;
import io.flotta.core.pki.Pem;
import io.flotta.core.pki.SecureFiles;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.ClientIdentity;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a device image carries to join a control plane: the CA certificate, the registration
 * certificate and key (CN {@code register}, which may only enrol and register) and the server's URL.
 *
 * <p>On disk (a directory): {@code ca.pem}, {@code registration.pem}, {@code registration-key.pem}
 * (mode 0600, SEC1 {@code EC PRIVATE KEY} so the upstream agent can read it), {@code bundle.json}
 * ({@code {"server": …}}, optionally {@code "transport"} and {@code "endpoints"}) and, for the
 * upstream yggdrasil gateway, a {@code config.toml} naming the same files and the HTTP server.
 *
 * @param server         the control plane's device API address for {@code transport}
 * @param caCertificates the CA certificates the server's certificate chains to
 * @param registration   the registration certificate and key
 * @param transport      the name of the transport provider that speaks to {@code server};
 *                       {@value #DEFAULT_TRANSPORT} when the bundle names none
 * @param endpoints      further transports the control plane serves, by provider name (e.g.
 *                       {@code grpc}), so an agent can be told to use another one
 *                       ({@link #forTransport})
 */
public record BootstrapBundle(URI server, List<X509Certificate> caCertificates, ClientIdentity registration,
                              String transport, Map<String, URI> endpoints) {

    public static final String DEFAULT_TRANSPORT = "http";

    public static final String CA_FILE = "ca.pem";
    public static final String CERT_FILE = "registration.pem";
    public static final String KEY_FILE = "registration-key.pem";
    public static final String CONFIG_FILE = "bundle.json";

    public BootstrapBundle {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(registration, "registration");
        caCertificates = List.copyOf(caCertificates);
        if (caCertificates.isEmpty()) {
            throw new IllegalArgumentException("caCertificates must not be empty");
        }
        transport = transport == null || transport.isBlank() ? DEFAULT_TRANSPORT : transport.strip();
        Map<String, URI> others = new LinkedHashMap<>(endpoints == null ? Map.of() : endpoints);
        others.remove(transport);
        endpoints = Map.copyOf(others);
    }

    /** A bundle for the HTTP transport only. */
    public BootstrapBundle(URI server, List<X509Certificate> caCertificates, ClientIdentity registration) {
        this(server, caCertificates, registration, DEFAULT_TRANSPORT, Map.of());
    }

    /** This bundle also naming {@code url} as the address of the transport {@code name}. */
    public BootstrapBundle withEndpoint(String name, URI url) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Map<String, URI> more = new LinkedHashMap<>(endpoints);
        more.put(name, url);
        return new BootstrapBundle(server, caCertificates, registration, transport, more);
    }

    /**
     * This bundle with {@code name} as its transport and that transport's address as its server
     * (the current one stays among the endpoints); this bundle itself for a null or blank name.
     *
     * @throws ConfigurationException when the bundle names no address for that transport
     */
    public BootstrapBundle forTransport(String name) {
        if (name == null || name.isBlank() || name.strip().equals(transport)) {
            return this;
        }
        URI url = endpoints.get(name.strip());
        if (url == null) {
            throw new ConfigurationException("the bootstrap bundle names no server for transport " + name.strip()
                    + " (it names: " + transport + (endpoints.isEmpty() ? "" : ", " + String.join(", ", endpoints.keySet()))
                    + ")");
        }
        Map<String, URI> others = new LinkedHashMap<>(endpoints);
        others.put(transport, server);
        return new BootstrapBundle(url, caCertificates, registration, name.strip(), others);
    }

    /** Issues a fresh registration certificate from {@code ca} and bundles it with {@code server}. */
    public static BootstrapBundle issue(CertificateAuthority ca, URI server, Duration validity) {
        IssuedCredential credential = ca.issueRegistration(validity);
        return new BootstrapBundle(server, ca.trustAnchors(), new ClientIdentity(credential.key(), credential.chain()));
    }

    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            SecureFiles.writePublic(directory.resolve(CA_FILE), Pem.encodeCertificates(caCertificates));
            SecureFiles.writePublic(directory.resolve(CERT_FILE), Pem.encodeCertificates(registration.chain()));
            SecureFiles.writePrivate(directory.resolve(KEY_FILE), Pem.encodePrivateKey(registration.key()));
            ObjectNode config = JsonNodeFactory.instance.objectNode();
            config.put("server", server.toString());
            if (!transport.equals(DEFAULT_TRANSPORT)) {
                config.put("transport", transport);
            }
            if (!endpoints.isEmpty()) {
                ObjectNode named = config.putObject("endpoints");
                endpoints.forEach((name, url) -> named.put(name, url.toString()));
            }
            SecureFiles.writePublic(directory.resolve(CONFIG_FILE), ModelJson.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(config));
            SecureFiles.writePublic(directory.resolve("config.toml"), yggdrasilConfig(directory));
        } catch (IOException e) {
            throw new ConfigurationException("cannot write the bootstrap bundle to " + directory + ": " + e.getMessage(), e);
        }
    }

    public static BootstrapBundle read(Path directory) {
        try {
            JsonNode config = ModelJson.mapper().readTree(directory.resolve(CONFIG_FILE).toFile());
            URI server = URI.create(config.path("server").asText());
            String transport = config.path("transport").asText(DEFAULT_TRANSPORT);
            Map<String, URI> endpoints = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = config.path("endpoints").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                endpoints.put(e.getKey(), URI.create(e.getValue().asText()));
            }
            List<X509Certificate> ca = Pem.readCertificates(Files.readString(directory.resolve(CA_FILE)));
            List<X509Certificate> chain = Pem.readCertificates(Files.readString(directory.resolve(CERT_FILE)));
            var key = Pem.readPrivateKey(Files.readString(directory.resolve(KEY_FILE)));
            return new BootstrapBundle(server, ca, new ClientIdentity(key, chain), transport, endpoints);
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException("cannot read the bootstrap bundle in " + directory
                    + " (expected " + CONFIG_FILE + ", " + CA_FILE + ", " + CERT_FILE + ", " + KEY_FILE + "): "
                    + e.getMessage(), e);
        }
    }

    private String yggdrasilConfig(Path directory) {
        Path abs = directory.toAbsolutePath();
        // the upstream gateway speaks HTTP only
        URI http = transport.equals(DEFAULT_TRANSPORT) ? server : endpoints.getOrDefault(DEFAULT_TRANSPORT, server);
        String hostPort = http.getAuthority();
        return String.join("\n",
                "# Settings for the upstream yggdrasil gateway, pointing at the files of this bundle.",
                "protocol = \"http\"",
                "server = [\"" + hostPort + "\"]",
                "cert-file = \"" + abs.resolve(CERT_FILE) + "\"",
                "key-file = \"" + abs.resolve(KEY_FILE) + "\"",
                "ca-root = [\"" + abs.resolve(CA_FILE) + "\"]",
                "path-prefix = \"api/flotta-management/v1\"",
                "");
    }

}
