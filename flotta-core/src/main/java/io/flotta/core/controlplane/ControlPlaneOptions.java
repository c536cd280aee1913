package io.flotta.core.controlplane;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the control-plane engine. Build with {@link #builder()}; every setting has a default.
 *
 * @param namespace               namespace of devices whose enrolment names none, and of enrolment requests
 * @param autoApprove             approve enrolment requests as they arrive
 * @param deviceCertificateValidity validity of issued device certificates
 * @param heartbeatPeriod         heartbeat period sent to devices
 * @param offlineAfterMissed      heartbeat periods without a heartbeat after which a device is offline
 * @param maxEvents               events kept per device
 * @param devicesChooseNamespace  whether a device lives in the namespace it asks for at enrolment
 *                                ({@code target_namespace}); when false, or when it asks for none, it
 *                                lives in {@code namespace} (e.g. a control plane that may write one
 *                                namespace only)
 */
public record ControlPlaneOptions(
        String namespace,
        boolean autoApprove,
        Duration deviceCertificateValidity,
        Duration heartbeatPeriod,
        int offlineAfterMissed,
        int maxEvents,
        boolean devicesChooseNamespace) {

    public ControlPlaneOptions {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(deviceCertificateValidity, "deviceCertificateValidity");
        Objects.requireNonNull(heartbeatPeriod, "heartbeatPeriod");
        if (heartbeatPeriod.toSeconds() < 1) {
            throw new IllegalArgumentException("heartbeatPeriod must be at least 1 s, was " + heartbeatPeriod);
        }
        if (offlineAfterMissed < 1) {
            throw new IllegalArgumentException("offlineAfterMissed must be at least 1, was " + offlineAfterMissed);
        }
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents must not be negative, was " + maxEvents);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().namespace(namespace).autoApprove(autoApprove)
                .deviceCertificateValidity(deviceCertificateValidity).heartbeatPeriod(heartbeatPeriod)
                .offlineAfterMissed(offlineAfterMissed).maxEvents(maxEvents).devicesChooseNamespace(devicesChooseNamespace);
    }

    public static final class Builder {
        private String namespace = "default";
        private boolean autoApprove = true;
        private Duration deviceCertificateValidity = Duration.ofDays(30);
        private Duration heartbeatPeriod = Duration.ofSeconds(60);
        private int offlineAfterMissed = 3;
        private int maxEvents = 50;
        private boolean devicesChooseNamespace = true;

        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        public Builder autoApprove(boolean value) {
            this.autoApprove = value;
            return this;
        }

        public Builder deviceCertificateValidity(Duration value) {
            this.deviceCertificateValidity = value;
            return this;
        }

        public Builder heartbeatPeriod(Duration value) {
            this.heartbeatPeriod = value;
            return this;
        }

        public Builder offlineAfterMissed(int value) {
            this.offlineAfterMissed = value;
            return this;
        }

        public Builder maxEvents(int value) {
            this.maxEvents = value;
            return this;
        }

        public Builder devicesChooseNamespace(boolean value) {
            this.devicesChooseNamespace = value;
            return this;
        }

        public ControlPlaneOptions build() {
            return new ControlPlaneOptions(namespace, autoApprove, deviceCertificateValidity, heartbeatPeriod,
                    offlineAfterMissed, maxEvents, devicesChooseNamespace);
        }
    }
}
