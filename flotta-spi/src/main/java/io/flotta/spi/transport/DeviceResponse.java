package io.flotta.spi.transport;

/**
 * The answer to a {@link DeviceRequest}.
 *
 * @param status an HTTP status code; other transports map it (see each transport's docs).
 *               Error statuses carry an empty body: upstream gateways would dispatch any body as a message.
 * @param body   JSON, or empty
 * @param etag   the configuration version for {@link Route#DATA_IN} answers (extension), or {@code null}
 */
public record DeviceResponse(int status, byte[] body, String etag) {

    private static final byte[] EMPTY = new byte[0];

    public DeviceResponse {
        body = body == null ? EMPTY : body;
    }

    public static DeviceResponse empty(int status) {
        return new DeviceResponse(status, EMPTY, null);
    }

    public static DeviceResponse ok(byte[] json) {
        return new DeviceResponse(200, json, null);
    }

    public boolean hasBody() {
        return body.length > 0;
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
