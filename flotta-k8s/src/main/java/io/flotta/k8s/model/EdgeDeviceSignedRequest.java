package io.flotta.k8s.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A device's enrolment request; its name is the device id, {@code spec.approved} is the approval. */
@Group(FlottaCustomResource.GROUP)
@Version(FlottaCustomResource.VERSION)
@Kind("EdgeDeviceSignedRequest")
@Singular("edgedevicesignedrequest")
@Plural("edgedevicesignedrequests")
@ShortNames("edsr")
@AdditionalPrinterColumn(name = "Approved", jsonPath = ".spec.approved", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Target Namespace", jsonPath = ".spec.targetNamespace", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Requested", jsonPath = ".spec.requestTime", type = AdditionalPrinterColumn.Type.DATE)
public class EdgeDeviceSignedRequest extends FlottaCustomResource {
}
