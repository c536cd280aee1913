/**
 * The device API over gRPC (providers {@code grpc}): the engine's JSON documents framed by the
 * versioned proto {@code flotta.device.v1}, a server-streaming configuration watch instead of the
 * HTTP long poll, and the same mTLS identity rules (the server hands the TLS peer chain to the
 * engine unverified). See docs/transport-grpc.md.
 */
package io.flotta.transport.grpc;
