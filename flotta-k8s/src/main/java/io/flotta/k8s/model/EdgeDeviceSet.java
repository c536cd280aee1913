package io.flotta.k8s.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Configuration shared by the devices that name this set. */
@Group(FlottaCustomResource.GROUP)
@Version(FlottaCustomResource.VERSION)
@Kind("EdgeDeviceSet")
@Singular("edgedeviceset")
@Plural("edgedevicesets")
@ShortNames("eds")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class EdgeDeviceSet extends FlottaCustomResource {
}
