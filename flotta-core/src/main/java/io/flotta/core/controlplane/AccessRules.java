package io.flotta.core.controlplane;

import io.flotta.core.pki.CertificateChecks;

import io.flotta.spi.ca.CertificateAuthority;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device API's identity and authorization rules, in one place for every transport.
 *
 * <ul>
 *   <li>Identity comes only from the leaf certificate, and only after the leaf itself verifies
 *       against our CA (upstream trusts any chain containing a CA-signed certificate).</li>
 *   <li>The registration certificate (CN {@code register}) may only enrol and register, and only
 *       while valid.</li>
 *   <li>A device certificate's CN must equal the device id named by the call (403 otherwise).</li>
 *   <li>An expired device certificate may only renew its own registration.</li>
 * </ul>
 *
 * <p>A leaf that verified is remembered by the digest of its encoding, with the trust anchors it
 * verified against, so the same certificate presented again (a new TLS connection, the next poll)
 * costs a digest instead of a signature check and a name parse. Only certificates our CA issued are
 * remembered, so callers cannot fill the memory with certificates of their own making; a change of
 * trust anchors makes every remembered leaf verify again.
 */
public final class AccessRules {

    public static final String REGISTRATION_CN = "register";

    /** Enough for every device of a large fleet; when full it starts over (the next calls verify again). */
    private static final int MAX_REMEMBERED = 65_536;

    private final CertificateAuthority ca;
    private final Clock clock;
    private final Map<Fingerprint, IssuedLeaf> issued = new ConcurrentHashMap<>();

    public AccessRules(CertificateAuthority ca, Clock clock) {
        this.ca = ca;
        this.clock = clock;
    }

    /** The caller, or empty when there is no certificate or the leaf is not ours (answer 401). */
    public Optional<Caller> identify(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        X509Certificate leaf = chain.get(0);
        IssuedLeaf known = issuedLeaf(leaf);
        if (known == null) {
            return Optional.empty();
        }
        String cn = known.commonName();
        if (cn == null || cn.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        boolean expired = now.isBefore(known.notBefore()) || now.isAfter(known.notAfter());
        if (REGISTRATION_CN.equals(cn)) {
            return Optional.of(new Caller(Caller.Kind.REGISTRATION, cn, null, expired, leaf));
        }
        String namespace = known.namespace();
        if (namespace == null || namespace.isEmpty()) {
            // our CA always writes the namespace; a device certificate without one is not ours to trust
            return Optional.empty();
        }
        return Optional.of(new Caller(Caller.Kind.DEVICE, cn, namespace, expired, leaf));
    }

    /** What the leaf says about its holder if our CA issued it, else null. */
    private IssuedLeaf issuedLeaf(X509Certificate leaf) {
        Fingerprint fingerprint;
        try {
            fingerprint = Fingerprint.of(leaf.getEncoded());
        } catch (CertificateEncodingException e) {
            return null;
        }
        // read before verifying: anchors that change meanwhile make the entry stale, never wrongly fresh
        List<X509Certificate> anchors = ca.trustAnchors();
        IssuedLeaf known = issued.get(fingerprint);
        if (known != null && known.anchors().equals(anchors)) {
            return known;
        }
        if (!ca.issued(leaf)) {
            return null;
        }
        // exactly one CN, or no identity: a certificate naming two devices names none
        List<String> units = CertificateChecks.organizationalUnits(leaf);
        IssuedLeaf verified = new IssuedLeaf(CertificateChecks.commonName(leaf).orElse(null),
                units.isEmpty() ? null : units.get(0),
                leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), anchors);
        if (issued.size() >= MAX_REMEMBERED) {
            issued.clear();
        }
        issued.put(fingerprint, verified);
        return verified;
    }

    /** A leaf our CA issued: its subject's CN and OU, its validity, and the anchors it verified against. */
    private record IssuedLeaf(String commonName, String namespace, Instant notBefore, Instant notAfter,
                              List<X509Certificate> anchors) {
    }

    /**
     * The HTTP status refusing {@code operation} on {@code deviceId} for {@code caller}, or 0 when it
     * is allowed.
     */
    public int refusal(Caller caller, Operation operation, String deviceId) {
        boolean pairing = operation == Operation.ENROLMENT || operation == Operation.REGISTRATION;
        if (caller.kind() == Caller.Kind.REGISTRATION) {
            return pairing && !caller.expired() ? 0 : 401;
        }
        if (caller.expired() && operation != Operation.REGISTRATION) {
            return 401;
        }
        if (!caller.commonName().equals(deviceId.toLowerCase(Locale.ROOT))) {
            return 403;
        }
        return 0;
    }
}
