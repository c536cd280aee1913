package io.flotta.k8s.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Proof that a device was deleted (its name is the device id): its certificates stop working and
 * its agent is told to disconnect. A resource of its own rather than a ConfigMap so that RBAC can
 * grant exactly this, no user ConfigMap can collide with or forge one, and the informer needs no
 * label filter.
 */
@Group(FlottaCustomResource.GROUP)
@Version(FlottaCustomResource.VERSION)
@Kind("EdgeDeviceTombstone")
@Singular("edgedevicetombstone")
@Plural("edgedevicetombstones")
@AdditionalPrinterColumn(name = "Deleted", jsonPath = ".spec.deletedAt", type = AdditionalPrinterColumn.Type.DATE)
public class EdgeDeviceTombstone extends FlottaCustomResource {
}
