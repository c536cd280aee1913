package io.flotta.examples.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.model.ModelJson;
import io.flotta.core.pki.Tls;
import io.flotta.spi.FlottaException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * Calls the admin API with an admin client certificate. Every failure is a {@link FlottaException}
 * whose message says what went wrong and what to do about it, ready to show a user.
 */
public final class AdminClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AdminCredentials credentials;
    private final HttpClient http;

    public AdminClient(AdminCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.http = HttpClient.newBuilder()
                .sslContext(Tls.clientContext(credentials.identity(), credentials.caCertificates()))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public URI server() {
        return credentials.server();
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public JsonNode post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public JsonNode patch(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
    }

    /**
     * POSTs to {@code path} and writes the answer's body to {@code target} (a new file), for answers
     * that are files rather than JSON (a store backup). The body goes to {@code target.partial}
     * first and is moved into place once complete; returns the number of bytes written.
     */
    public long download(String path, Path target) {
        Path file = target.toAbsolutePath();
        if (Files.exists(file)) {
            throw new FlottaException(FlottaException.Code.INVALID_ARGUMENT, file
                    + " exists: choose a new file name or remove it first");
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            HttpResponse<Path> response = call(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()),
                    HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() / 100 != 2) {
                throw failure(response.statusCode(), parse(Files.readString(partial, StandardCharsets.UTF_8)));
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return Files.size(file);
        } catch (IOException e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "writing " + file + " failed: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // best effort: a partial file says what it is by its name
            }
        }
    }

    private URI uri(String path) {
        return credentials.server().resolve(path);
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response = call(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            return body;
        }
        throw failure(response.statusCode(), body);
    }

    private <T> HttpResponse<T> call(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.timeout(TIMEOUT).build(), handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "cannot reach " + credentials.server()
                    + ": is `flotta server` running? (or point --server / FLOTTA_SERVER at it)", e);
        } catch (SSLException e) {
            throw new FlottaException(FlottaException.Code.UNAUTHENTICATED, "TLS with " + credentials.server()
                    + " failed (" + e.getMessage() + "): are the admin credentials from this server's data directory?", e);
        } catch (IOException e) {
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "calling " + credentials.server() + " failed: "
                    + e.getMessage() + " (is `flotta server` running there?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlottaException(FlottaException.Code.UNAVAILABLE, "interrupted", e);
        }
    }

    private static FlottaException failure(int status, JsonNode body) {
        String message = body != null && body.hasNonNull("error") ? body.get("error").asText()
                : "HTTP " + status;
        FlottaException.Code code = switch (status) {
            case 400 -> FlottaException.Code.INVALID_ARGUMENT;
            case 401 -> FlottaException.Code.UNAUTHENTICATED;
            case 403 -> FlottaException.Code.PERMISSION_DENIED;
            case 404 -> FlottaException.Code.NOT_FOUND;
            case 409 -> FlottaException.Code.CONFLICT;
            case 503 -> FlottaException.Code.UNAVAILABLE;
            default -> FlottaException.Code.INTERNAL;
        };
        return new FlottaException(code, message);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return ModelJson.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
