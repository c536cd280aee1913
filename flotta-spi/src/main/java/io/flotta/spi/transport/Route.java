package io.flotta.spi.transport;

/** The four operations of the device API; HTTP maps them to {@code /data|control/{device_id}/in|out}. */
public enum Route {
    /** Device configuration for the device ({@code GET data/{id}/in}). */
    DATA_IN,
    /** A message from the device; its envelope's directive picks the operation ({@code POST data/{id}/out}). */
    DATA_OUT,
    /** A control command for the device, e.g. {@code disconnect} ({@code GET control/{id}/in}). */
    CONTROL_IN,
    /** Connection-status and pong events from the device ({@code POST control/{id}/out}). */
    CONTROL_OUT
}
