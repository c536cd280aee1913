package io.flotta.k8s.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Settings shared by the devices whose {@code flotta/member-of} label names this set; they override
 * the devices' own (spec: core's {@code DeviceSettings}).
 */
@Group(FlottaCustomResource.GROUP)
@Version(FlottaCustomResource.VERSION)
@Kind("EdgeDeviceSet")
@Singular("edgedeviceset")
@Plural("edgedevicesets")
@ShortNames("eds")
@AdditionalPrinterColumn(name = "Heartbeat", jsonPath = ".spec.configuration.heartbeat.period_seconds", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Storage", jsonPath = ".spec.requestStorage", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class EdgeDeviceSet extends FlottaCustomResource {
}
