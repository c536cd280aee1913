package io.flotta.core.controlplane;

import java.time.Instant;

/** An enrolment request: a device asking to join. */
public record EnrolmentView(String deviceId, String targetNamespace, boolean approved, Instant requestTime) {
}
