package io.flotta.core.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The one place where Flotta's own code signs, verifies and makes EC keys. EC work on the named
 * curves goes through BouncyCastle's lightweight implementation, which on JDK 17 is several times
 * faster than the JDK's provider (P-256 signing about 0.25 ms against 1.4 ms on one core): pairing
 * a device costs a key, a request signature, its verification and a certificate signature, and a
 * fleet pairs by the thousand. Other keys (RSA) go through the JDK. Keys handed out are the JDK's
 * own key objects, so TLS and everything else use them as before.
 */
public final class Signatures {

    /** The randomness of every key and signature made here and in {@link HandshakeCryptoProvider}. */
    static final SecureRandom RANDOM = new SecureRandom();
    /** Named curves' domains by OID, built once: every signature, verification and key uses one. */
    private static final Map<ASN1ObjectIdentifier, Optional<ECDomainParameters>> DOMAINS = new ConcurrentHashMap<>();
    private static final DefaultSignatureAlgorithmIdentifierFinder SIGNATURE_IDS =
            new DefaultSignatureAlgorithmIdentifierFinder();
    private static final DefaultDigestAlgorithmIdentifierFinder DIGEST_IDS = new DefaultDigestAlgorithmIdentifierFinder();

    private Signatures() {
    }

    /** A fresh key pair on the named curve {@code curve} (for example {@code secp256r1}). */
    static KeyPair generateEc(String curve) throws GeneralSecurityException {
        return generateEc(curve, RANDOM);
    }

    /** As {@link #generateEc(String)}, drawing the private key from {@code random}. */
    static KeyPair generateEc(String curve, SecureRandom random) throws GeneralSecurityException {
        ASN1ObjectIdentifier oid = CustomNamedCurves.getOID(curve);
        ECDomainParameters domain = (oid == null ? Optional.<ECDomainParameters>empty() : namedDomain(oid))
                .orElseThrow(() -> new GeneralSecurityException("unknown curve " + curve));
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(domain, random));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(
                    PrivateKeyInfoFactory.createPrivateKeyInfo(pair.getPrivate()).getEncoded()));
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pair.getPublic()).getEncoded()));
            return new KeyPair(publicKey, privateKey);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot encode a generated key", e);
        }
    }

    /** Signs certificates and requests with {@code key}: ECDSA with SHA-256/384, or RSA with SHA-256. */
    public static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        Optional<ECPrivateKeyParameters> ec = ecPrivate(key);
        if (ec.isPresent()) {
            String algorithm = Keys.signatureAlgorithm(key);
            AlgorithmIdentifier signatureId = SIGNATURE_IDS.find(algorithm);
            return new BcECContentSignerBuilder(signatureId, DIGEST_IDS.find(signatureId)).build(ec.get());
        }
        return new JcaContentSignerBuilder(Keys.signatureAlgorithm(key)).build(key);
    }

    /**
     * A verifier for signatures by {@code key} when it is an EC key on a named curve; empty for
     * others, which the caller verifies through the JDK.
     */
    static Optional<ContentVerifierProvider> ecVerifier(PublicKey key) {
        return ecPublic(key).map(parameters -> {
            try {
                return new BcECContentVerifierProviderBuilder(DIGEST_IDS).build(parameters);
            } catch (OperatorCreationException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}, computed from the keys
     * themselves (one multiplication on the curve, or the RSA modulus); empty when the keys do not
     * allow it, and the caller signs a probe instead.
     */
    static Optional<Boolean> pairedByComputation(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAPrivateCrtKey rsa && publicKey instanceof RSAPublicKey pub) {
            return Optional.of(rsa.getModulus().equals(pub.getModulus())
                    && rsa.getPublicExponent().equals(pub.getPublicExponent()));
        }
        Optional<ECPrivateKeyParameters> ec = ecPrivate(key);
        Optional<ECPublicKeyParameters> pub = ecPublic(publicKey);
        if (ec.isEmpty() || pub.isEmpty()) {
            return Optional.empty();
        }
        ECDomainParameters domain = ec.get().getParameters();
        return Optional.of(domain.getCurve().equals(pub.get().getParameters().getCurve())
                && new FixedPointCombMultiplier().multiply(domain.getG(), ec.get().getD()).normalize()
                        .equals(pub.get().getQ()));
    }

    /** The name of a named curve's fast implementation, as {@link #generateEc} takes it. */
    static Optional<String> curveName(ASN1ObjectIdentifier oid) {
        return Optional.ofNullable(CustomNamedCurves.getName(oid));
    }

    static Optional<ECPrivateKeyParameters> ecPrivate(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec) || !"PKCS#8".equals(key.getFormat())) {
            return Optional.empty();
        }
        return namedDomain(PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm())
                .map(domain -> new ECPrivateKeyParameters(ec.getS(), domain));
    }

    static Optional<ECPublicKeyParameters> ecPublic(PublicKey key) {
        if (!"X.509".equals(key.getFormat()) || !"EC".equals(key.getAlgorithm()) && !"ECDSA".equals(key.getAlgorithm())) {
            return Optional.empty();
        }
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        return namedDomain(info.getAlgorithm()).map(domain -> new ECPublicKeyParameters(
                domain.getCurve().decodePoint(info.getPublicKeyData().getOctets()), domain));
    }

    /** The fast implementation of a named curve; empty for explicit parameters or unknown curves. */
    private static Optional<ECDomainParameters> namedDomain(AlgorithmIdentifier algorithm) {
        return algorithm.getParameters() instanceof ASN1ObjectIdentifier oid ? namedDomain(oid) : Optional.empty();
    }

    private static Optional<ECDomainParameters> namedDomain(ASN1ObjectIdentifier oid) {
        return DOMAINS.computeIfAbsent(oid, o -> {
            X9ECParameters parameters = CustomNamedCurves.getByOID(o);
            return parameters == null ? Optional.empty() : Optional.of(new ECNamedDomainParameters(o, parameters));
        });
    }
}
