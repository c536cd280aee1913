package io.flotta.k8s.internal;

import io.flotta.k8s.model.EdgeDeployment;
import io.flotta.k8s.model.EdgeDevice;
import io.flotta.k8s.model.EdgeDeviceSet;
import io.flotta.k8s.model.EdgeDeviceSignedRequest;
import io.flotta.k8s.model.EdgeDeviceTombstone;
import io.flotta.k8s.model.FlottaCustomResource;
import io.flotta.spi.store.Kind;
import java.util.function.Supplier;

/** Which custom resource holds each store kind. */
public enum KindMapping {
    DEVICE(Kind.DEVICE, EdgeDevice.class, EdgeDevice::new),
    DEPLOYMENT(Kind.DEPLOYMENT, EdgeDeployment.class, EdgeDeployment::new),
    ENROLMENT(Kind.ENROLMENT, EdgeDeviceSignedRequest.class, EdgeDeviceSignedRequest::new),
    DEVICE_SET(Kind.DEVICE_SET, EdgeDeviceSet.class, EdgeDeviceSet::new),
    TOMBSTONE(Kind.TOMBSTONE, EdgeDeviceTombstone.class, EdgeDeviceTombstone::new);

    private final Kind kind;
    private final Class<? extends FlottaCustomResource> type;
    private final Supplier<? extends FlottaCustomResource> factory;

    KindMapping(Kind kind, Class<? extends FlottaCustomResource> type, Supplier<? extends FlottaCustomResource> factory) {
        this.kind = kind;
        this.type = type;
        this.factory = factory;
    }

    public Kind kind() {
        return kind;
    }

    public Class<? extends FlottaCustomResource> type() {
        return type;
    }

    public FlottaCustomResource newInstance() {
        return factory.get();
    }

    public static KindMapping of(Kind kind) {
        return valueOf(kind.name());
    }
}
