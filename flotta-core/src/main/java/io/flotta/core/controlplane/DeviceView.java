package io.flotta.core.controlplane;

import io.flotta.core.model.DeviceStatus;
import java.time.Instant;
import java.util.Map;

/** A device as integrators see it through {@link ControlPlane}. */
public record DeviceView(String namespace, String id, Map<String, String> labels, DeviceStatus status,
                         Instant lastSeen) {

    public boolean online() {
        return DeviceStatus.ONLINE.equals(status.state());
    }
}
