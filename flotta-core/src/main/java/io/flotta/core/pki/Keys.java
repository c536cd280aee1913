package io.flotta.core.pki;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Key generation and key facts. */
public final class Keys {

    private Keys() {
    }

    /** A fresh EC key pair on P-256 (secp256r1), the default for every Flotta key. */
    public static KeyPair generateEcP256() {
        try {
            return Signatures.generateEc("secp256r1");
        } catch (GeneralSecurityException e) {
            throw new FlottaException(Code.INTERNAL, "this JVM cannot generate EC P-256 keys", e);
        }
    }

    /**
     * A fresh key pair of the same algorithm and size as {@code existing}: same curve for EC, same
     * modulus length for RSA. This is what the upstream agent does when it renews.
     */
    public static KeyPair generateLike(Key existing) {
        Objects.requireNonNull(existing, "existing");
        try {
            Optional<String> curve = namedCurve(existing);
            if (curve.isPresent()) {
                return Signatures.generateEc(curve.get());
            }
            if (existing instanceof ECKey ec) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(ec.getParams());
                return generator.generateKeyPair();
            }
            if (existing instanceof RSAKey rsa) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(rsa.getModulus().bitLength());
                return generator.generateKeyPair();
            }
        } catch (GeneralSecurityException e) {
            throw new FlottaException(Code.INVALID_ARGUMENT,
                    "cannot generate a key like " + describe(existing) + ": " + e.getMessage(), e);
        }
        throw new FlottaException(Code.INVALID_ARGUMENT,
                "cannot generate a key like " + describe(existing) + ": only EC and RSA keys are supported");
    }

    /** The fast implementation's name of an EC key's named curve; empty for other keys. */
    private static Optional<String> namedCurve(Key key) {
        return curveOid(key).flatMap(Signatures::curveName);
    }

    /** The OID of an EC key's named curve, read from its encoding; empty for other keys and explicit parameters. */
    private static Optional<ASN1ObjectIdentifier> curveOid(Key key) {
        if (!(key instanceof ECKey) || key.getEncoded() == null) {
            return Optional.empty();
        }
        try {
            ASN1Encodable parameters = key instanceof PublicKey
                    ? SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters()
                    : PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm().getParameters();
            return parameters instanceof ASN1ObjectIdentifier oid ? Optional.of(oid) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The public half of {@code key}: computed from the curve for EC keys, taken from the CRT
     * form for RSA keys. Lets a device that keeps only its private key file renew with the same key.
     */
    public static PublicKey publicKeyOf(PrivateKey key) {
        Objects.requireNonNull(key, "key");
        try {
            if (key instanceof ECPrivateKey ec && key.getEncoded() != null) {
                ASN1Encodable parameters = PrivateKeyInfo.getInstance(key.getEncoded())
                        .getPrivateKeyAlgorithm().getParameters();
                if (parameters instanceof ASN1ObjectIdentifier curve) {
                    X9ECParameters domain = ECNamedCurveTable.getByOID(curve);
                    if (domain != null) {
                        byte[] point = domain.getG().multiply(ec.getS()).normalize().getEncoded(false);
                        SubjectPublicKeyInfo info = new SubjectPublicKeyInfo(
                                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), point);
                        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(info.getEncoded()));
                    }
                }
            }
            if (key instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new FlottaException(Code.INVALID_ARGUMENT,
                    "cannot derive the public key of " + describe(key) + ": " + e.getMessage(), e);
        }
        throw new FlottaException(Code.INVALID_ARGUMENT, "cannot derive the public key of " + describe(key)
                + ": only EC keys on named curves and RSA keys in CRT form are supported");
    }

    /**
     * The NIST name of an EC key's curve ({@code P-256}, {@code P-384}, {@code P-521}), or the
     * curve's OID for other named curves; empty for non-EC keys and explicit curve parameters.
     */
    public static Optional<String> ecCurve(Key key) {
        Optional<ASN1ObjectIdentifier> oid = curveOid(key);
        if (oid.isEmpty()) {
            return Optional.empty();
        }
        ASN1ObjectIdentifier curve = oid.get();
        if (SECObjectIdentifiers.secp256r1.equals(curve)) {
            return Optional.of("P-256");
        }
        if (SECObjectIdentifiers.secp384r1.equals(curve)) {
            return Optional.of("P-384");
        }
        if (SECObjectIdentifiers.secp521r1.equals(curve)) {
            return Optional.of("P-521");
        }
        return Optional.of(curve.getId());
    }

    /** A short description for messages and logs: {@code EC P-256}, {@code RSA 2048}, {@code Ed25519}. */
    public static String describe(Key key) {
        if (key == null) {
            return "no key";
        }
        if (key instanceof ECKey) {
            return "EC " + ecCurve(key).orElse("with explicit curve parameters");
        }
        if (key instanceof RSAKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        if (key instanceof EdECKey ed) {
            return ed.getParams().getName();
        }
        return key.getAlgorithm();
    }

    /**
     * The JCA signature algorithm to sign with {@code key}: SHA-256/384/512 with ECDSA by curve
     * size, SHA256withRSA for RSA, {@code Ed25519} or {@code Ed448} for EdDSA keys.
     */
    public static String signatureAlgorithm(Key key) {
        Objects.requireNonNull(key, "key");
        if (key instanceof ECKey) {
            return switch (ecCurve(key).orElse("")) {
                case "P-384" -> "SHA384withECDSA";
                case "P-521" -> "SHA512withECDSA";
                default -> "SHA256withECDSA";
            };
        }
        if (key instanceof RSAKey) {
            return "SHA256withRSA";
        }
        if (key instanceof EdECKey ed) {
            return ed.getParams().getName();
        }
        return key.getAlgorithm();
    }

    /**
     * Whether {@code privateKey} and {@code publicKey} form a pair: computed from the keys for EC
     * keys on named curves and RSA keys in CRT form, checked by signing a probe otherwise.
     */
    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            Optional<Boolean> computed = Signatures.pairedByComputation(privateKey, publicKey);
            if (computed.isPresent()) {
                return computed.get();
            }
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            String algorithm = signatureAlgorithm(privateKey);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
