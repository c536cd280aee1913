package io.flotta.examples.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.controlplane.ControlPlane;
import io.flotta.core.controlplane.DeploymentView;
import io.flotta.core.controlplane.DeviceView;
import io.flotta.core.model.DeploymentSpec;
import io.flotta.core.model.ModelJson;
import io.flotta.core.pki.CertificateChecks;
import io.flotta.core.pki.Pem;
import io.flotta.examples.metrics.ControlPlaneMetrics;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ca.CertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API: JSON over {@link ControlPlane}'s Java API.
 *
 * <table>
 *   <caption>Routes (all but the first two need an admin client certificate)</caption>
 *   <tr><td>GET /healthz</td><td>200 when serving</td></tr>
 *   <tr><td>GET /metrics</td><td>Prometheus metrics (aggregates only, no certificate: see the server's docs)</td></tr>
 *   <tr><td>GET /api/v1/devices[/{id}]</td><td>devices with status and last-seen time</td></tr>
 *   <tr><td>DELETE /api/v1/devices/{id}</td><td>delete (and revoke) a device</td></tr>
 *   <tr><td>PATCH /api/v1/devices/{id}/labels</td><td>JSON merge patch of the labels ({@code null} removes)</td></tr>
 *   <tr><td>GET /api/v1/deployments</td><td>deployments with devices by phase</td></tr>
 *   <tr><td>POST /api/v1/deployments</td><td>create or replace from an EdgeDeployment document (JSON or YAML)</td></tr>
 *   <tr><td>DELETE /api/v1/deployments/{name}</td><td>delete a deployment</td></tr>
 *   <tr><td>GET /api/v1/enrolments</td><td>enrolment requests</td></tr>
 *   <tr><td>POST /api/v1/enrolments/{id}/approve</td><td>approve a device</td></tr>
 *   <tr><td>POST /api/v1/bootstrap-bundle</td><td>a new registration credential for a device image</td></tr>
 *   <tr><td>POST /api/v1/backup</td><td>a consistent copy of the embedded store's SQLite database</td></tr>
 * </table>
 *
 * <p>{@code ?namespace=} selects the namespace; without it a device is found by id in any
 * namespace, and deployments go to the control plane's default namespace. Errors are
 * {@code {"error": "..."}}: 401 without a valid certificate from our CA, 403 for one of ours that
 * is not an admin certificate (device and registration certificates).
 */
final class AdminApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApiHandler.class);
    private static final String PREFIX = "/api/v1/";
    private static final String JSON = "application/json";
    /** The media type of a store backup (a SQLite database file). */
    static final String BACKUP_TYPE = "application/vnd.sqlite3";
    private static final Duration BUNDLE_VALIDITY = Duration.ofDays(365);

    private final ControlPlane controlPlane;
    private final CertificateAuthority ca;
    private final Supplier<URI> deviceUrl;
    private final ControlPlaneMetrics metrics;
    private final Clock clock;
    private final Consumer<Path> backup;
    private final ObjectMapper json = ModelJson.mapper();
    private final ObjectMapper yaml = new YAMLMapper();

    AdminApiHandler(ControlPlane controlPlane, CertificateAuthority ca, Supplier<URI> deviceUrl,
                    ControlPlaneMetrics metrics, Clock clock) {
        this(controlPlane, ca, deviceUrl, metrics, clock, null);
    }

    /** @param backup writes a store backup to the path it is given; null when backups are not offered */
    AdminApiHandler(ControlPlane controlPlane, CertificateAuthority ca, Supplier<URI> deviceUrl,
                    ControlPlaneMetrics metrics, Clock clock, Consumer<Path> backup) {
        super(InvocationType.BLOCKING);
        this.backup = backup;
        this.controlPlane = controlPlane;
        this.ca = ca;
        this.deviceUrl = deviceUrl;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** An answer other than 200 with a message for the user. */
    static final class Failure extends RuntimeException {
        final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            if (path.equals("/healthz")) {
                write(response, callback, 200, "text/plain", "ok\n");
            } else if (path.equals("/metrics") && metrics != null) {
                requireMethod(method, "GET");
                write(response, callback, 200, ControlPlaneMetrics.contentType(), metrics.scrape());
            } else if (path.equals(PREFIX + "backup")) {
                authorize(request);
                requireMethod(method, "POST");
                sendBackup(response, callback);
            } else if (path.startsWith(PREFIX)) {
                authorize(request);
                Object body = route(method, path.substring(PREFIX.length()).split("/", -1), request);
                write(response, callback, 200, JSON, json.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
            } else {
                throw new Failure(404, "no such path: " + path);
            }
        } catch (Failure f) {
            error(request, response, callback, f.status, f.getMessage());
        } catch (FlottaException e) {
            int status = switch (e.code()) {
                case INVALID_ARGUMENT -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case UNAVAILABLE -> 503;
                default -> 500;
            };
            if (status == 500) {
                LOG.warn("Admin request {} {} failed", method, path, e);
            }
            error(request, response, callback, status, e.getMessage());
        } catch (Exception e) {
            LOG.warn("Admin request {} {} failed", method, path, e);
            error(request, response, callback, 500, "internal error: " + e.getMessage());
        }
        return true;
    }

    private void authorize(Request request) {
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        X509Certificate[] chain = data instanceof EndPoint.SslSessionData ssl ? ssl.peerCertificates() : null;
        if (chain == null || chain.length == 0) {
            throw new Failure(401, "an admin client certificate is required (admin.pem and admin-key.pem in the "
                    + "server's data directory)");
        }
        X509Certificate leaf = chain[0];
        if (!ca.issued(leaf)) {
            throw new Failure(401, "the client certificate was not issued by this control plane's CA");
        }
        if (CertificateChecks.validity(leaf, clock.instant()) != CertificateChecks.Validity.VALID) {
            throw new Failure(401, "the client certificate is expired or not yet valid: restart `flotta server` "
                    + "to get a fresh admin.pem");
        }
        if (!AdminCredentials.isAdmin(leaf) || !CertificateChecks.allowsClientAuth(leaf)) {
            throw new Failure(403, "this certificate may not use the admin API (device and registration "
                    + "certificates are refused; use admin.pem)");
        }
    }

    private Object route(String method, String[] p, Request request) throws IOException {
        Fields query = Request.extractQueryParameters(request);
        String namespace = query.getValue("namespace");
        switch (p[0]) {
            case "devices" -> {
                if (p.length == 1) {
                    requireMethod(method, "GET");
                    return controlPlane.devices().stream().filter(d -> namespace == null || d.namespace().equals(namespace))
                            .toList();
                }
                DeviceView device = findDevice(p[1], namespace);
                if (p.length == 2) {
                    if (method.equals("DELETE")) {
                        controlPlane.deleteDevice(device.namespace(), device.id());
                        return Map.of("deleted", "device", "namespace", device.namespace(), "name", device.id());
                    }
                    requireMethod(method, "GET");
                    return device;
                }
                if (p.length == 3 && p[2].equals("labels")) {
                    requireMethod(method, "PATCH");
                    return patchLabels(device, readJson(request));
                }
            }
            case "deployments" -> {
                if (p.length == 1) {
                    if (method.equals("POST")) {
                        return apply(readDocument(request));
                    }
                    requireMethod(method, "GET");
                    return controlPlane.deployments().stream()
                            .filter(d -> namespace == null || d.namespace().equals(namespace)).toList();
                }
                if (p.length == 2) {
                    requireMethod(method, "DELETE");
                    String ns = namespace != null ? namespace : controlPlane.options().namespace();
                    if (!controlPlane.deleteDeployment(ns, p[1])) {
                        throw new Failure(404, "no deployment " + p[1] + " in namespace " + ns);
                    }
                    return Map.of("deleted", "deployment", "namespace", ns, "name", p[1]);
                }
            }
            case "enrolments" -> {
                if (p.length == 1) {
                    requireMethod(method, "GET");
                    return controlPlane.enrolmentRequests();
                }
                if (p.length == 3 && p[2].equals("approve")) {
                    requireMethod(method, "POST");
                    if (!controlPlane.approve(p[1])) {
                        throw new Failure(404, "no enrolment request from device " + p[1]
                                + " (a device asks to enrol when its agent first starts)");
                    }
                    return Map.of("approved", p[1]);
                }
            }
            case "bootstrap-bundle" -> {
                if (p.length == 1) {
                    requireMethod(method, "POST");
                    BootstrapBundle bundle = BootstrapBundle.issue(ca, deviceUrl.get(), BUNDLE_VALIDITY);
                    Map<String, String> out = new LinkedHashMap<>();
                    out.put("server", bundle.server().toString());
                    out.put("ca", Pem.encodeCertificates(bundle.caCertificates()));
                    out.put("certificate", Pem.encodeCertificates(bundle.registration().chain()));
                    out.put("key", Pem.encodePrivateKey(bundle.registration().key()));
                    return out;
                }
            }
            default -> {
            }
        }
        throw new Failure(404, "no such path: " + PREFIX + String.join("/", p));
    }

    /**
     * Backs the store up into a private temporary file and sends it. The whole file is held in memory
     * while it is sent: the store of a large fleet is tens of megabytes, and the file must be gone
     * before this returns.
     */
    private void sendBackup(Response response, Callback callback) throws IOException {
        if (backup == null) {
            throw new Failure(404, "this control plane offers no store backup");
        }
        Path directory = Files.createTempDirectory("flotta-backup");
        Path file = directory.resolve("flotta.db");
        byte[] bytes;
        try {
            backup.accept(file);
            bytes = Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, BACKUP_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private DeviceView findDevice(String id, String namespace) {
        List<DeviceView> found = controlPlane.devices().stream()
                .filter(d -> d.id().equals(id) && (namespace == null || d.namespace().equals(namespace))).toList();
        if (found.isEmpty()) {
            throw new Failure(404, "no device " + id + (namespace == null ? "" : " in namespace " + namespace)
                    + " (list them with `flotta get devices`)");
        }
        if (found.size() > 1) {
            throw new Failure(400, "devices named " + id + " exist in several namespaces: name one with --namespace");
        }
        return found.get(0);
    }

    private Object patchLabels(DeviceView device, JsonNode patch) {
        if (!patch.isObject()) {
            throw new Failure(400, "the labels patch must be a JSON object of label: value (null removes a label)");
        }
        Map<String, String> labels = new LinkedHashMap<>(device.labels());
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                labels.remove(e.getKey());
            } else if (e.getValue().isTextual()) {
                labels.put(e.getKey(), e.getValue().asText());
            } else {
                throw new Failure(400, "label " + e.getKey() + " must be a string or null");
            }
        }
        controlPlane.setDeviceLabels(device.namespace(), device.id(), labels);
        return controlPlane.device(device.namespace(), device.id()).orElseThrow(
                () -> new Failure(404, "device " + device.id() + " was deleted meanwhile"));
    }

    private Object apply(JsonNode document) {
        if (!document.isObject()) {
            throw new Failure(400, "expected an EdgeDeployment document (metadata.name and spec)");
        }
        String kind = document.path("kind").asText("EdgeDeployment");
        if (!kind.equals("EdgeDeployment")) {
            throw new Failure(400, "kind must be EdgeDeployment, was " + kind);
        }
        String name = document.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            throw new Failure(400, "metadata.name must be set");
        }
        String namespace = document.path("metadata").path("namespace").asText(controlPlane.options().namespace());
        JsonNode specNode = document.path("spec");
        if (!specNode.isObject()) {
            throw new Failure(400, "spec must be an object (device or deviceSelector, and pod.spec)");
        }
        DeploymentSpec spec;
        try {
            spec = json.treeToValue(specNode, DeploymentSpec.class);
        } catch (JsonProcessingException e) {
            throw new Failure(400, "invalid spec: " + e.getOriginalMessage());
        }
        Optional<DeploymentView> before = controlPlane.deployments().stream()
                .filter(d -> d.namespace().equals(namespace) && d.name().equals(name)).findFirst();
        controlPlane.applyDeployment(namespace, name, spec);
        String result = before.isEmpty() ? "created"
                : ModelJson.write(before.get().spec()).equals(ModelJson.write(spec)) ? "unchanged" : "configured";
        return Map.of("deployment", name, "namespace", namespace, "result", result);
    }

    private JsonNode readJson(Request request) throws IOException {
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Failure(400, "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    /** JSON or YAML (which JSON is a subset of). */
    private JsonNode readDocument(Request request) throws IOException {
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        try {
            JsonNode node = yaml.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new Failure(400, "the body is empty: send an EdgeDeployment document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Failure(400, "the body is neither JSON nor YAML: " + e.getOriginalMessage());
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new Failure(405, "method " + method + " not allowed here (use " + allowed + ")");
        }
    }

    private void error(Request request, Response response, Callback callback, int status, String message) {
        // Refused before its body was read: Jetty will close the connection, so the answer says so.
        if (!request.consumeAvailable()) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        ObjectNode body = json.createObjectNode().put("error", message);
        write(response, callback, status, JSON, body.toString() + "\n");
    }

    private static void write(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type.contains("charset") ? type : type + "; charset=utf-8");
        Content.Sink.write(response, true, body, callback);
    }
}
