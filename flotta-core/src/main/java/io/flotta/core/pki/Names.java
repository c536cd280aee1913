package io.flotta.core.pki;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

/** Attribute values of distinguished names, unescaped. */
final class Names {

    private Names() {
    }

    static X500Name of(X500Principal principal) {
        return X500Name.getInstance(principal.getEncoded());
    }

    /** Every text value of {@code type}, in the name's order, multi-valued RDNs included. */
    static List<String> all(X500Name name, ASN1ObjectIdentifier type) {
        List<String> values = new ArrayList<>();
        for (AttributeTypeAndValue attribute : attributes(name, type)) {
            if (attribute.getValue() instanceof ASN1String text) {
                values.add(text.getString());
            }
        }
        return List.copyOf(values);
    }

    /**
     * The value of {@code type} when the name holds exactly one, as text: two would make an
     * identity ambiguous.
     */
    static Optional<String> single(X500Name name, ASN1ObjectIdentifier type) {
        List<AttributeTypeAndValue> attributes = attributes(name, type);
        if (attributes.size() == 1 && attributes.get(0).getValue() instanceof ASN1String text) {
            return Optional.of(text.getString());
        }
        return Optional.empty();
    }

    private static List<AttributeTypeAndValue> attributes(X500Name name, ASN1ObjectIdentifier type) {
        List<AttributeTypeAndValue> found = new ArrayList<>();
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                if (type.equals(attribute.getType())) {
                    found.add(attribute);
                }
            }
        }
        return found;
    }
}
