/**
 * The device API over HTTPS with mutual TLS, wire-compatible with upstream Flotta's device agent.
 *
 * <p>Mapping (base path {@code /api/flotta-management/v1}):
 * <ul>
 *   <li>{@code GET data/{device_id}/in} — {@link io.flotta.spi.transport.Route#DATA_IN}</li>
 *   <li>{@code POST data/{device_id}/out} — {@link io.flotta.spi.transport.Route#DATA_OUT}</li>
 *   <li>{@code GET control/{device_id}/in} — {@link io.flotta.spi.transport.Route#CONTROL_IN}</li>
 *   <li>{@code POST control/{device_id}/out} — {@link io.flotta.spi.transport.Route#CONTROL_OUT}</li>
 * </ul>
 * The client certificate chain of the TLS session becomes
 * {@link io.flotta.spi.transport.DeviceRequest#clientChain()}; a certificate is requested, never
 * required, and never judged by the transport.
 *
 * <p>Extensions upstream clients never use: {@code If-None-Match} carries the configuration version
 * the device already has, {@code ?wait=N} asks the server to hold the request up to {@code N}
 * seconds (capped at the server's {@code maxWait}) until something changes; the answer carries the
 * version as a quoted {@code ETag}, or is {@code 304} with no body.
 *
 * <p>Headers follow the upstream operator: {@code Content-Type: application/json} on every answer
 * with a body and on every empty 200 except {@code control/out}'s; none on 208 or errors; no
 * {@code Server} header.
 *
 * <p>A request the API leaves unanswered longer than the connection idle timeout ({@code maxWait}
 * plus 30 s, at least 60 s) is failed with 500 and its connection closed; closing the server ends
 * parked long polls the same way after a 250 ms grace period.
 *
 * <p>Everything the transport answers by itself has an empty body: 404 for an unknown path, 405
 * (with {@code Allow}) for a wrong method, 400 for a malformed {@code wait}, 413 for a body over
 * {@code maxBodyBytes}, 500 when the API throws or fails. {@code GET /healthz} and
 * {@code GET /readyz} answer 200 without a client certificate.
 */
package io.flotta.transport.http;
