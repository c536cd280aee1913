package io.flotta.core.pki;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.KeyPair;
import java.security.KeyPairGeneratorSpi;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.EllipticCurve;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * A JCA provider of the public-key arithmetic the JDK's TLS stack does in every handshake, computed
 * by BouncyCastle's lightweight code: {@code SHA256withECDSA} and {@code SHA384withECDSA} for EC
 * keys on named curves (through {@link Signatures}; each side's CertificateVerify and the client's
 * check of the server's certificate), X25519 (the default key share: a key pair and an agreement
 * on each side) and EC key pairs (a JDK client offers a secp256r1 share as well). On this
 * project's machines, on JDK 17: a P-256 verification about 1,030 µs with the JDK's provider
 * (390 µs on JDK 25), 80–90 µs here; an X25519 key pair or agreement about 210 µs, 60–90 µs here;
 * a P-256 key pair about 1 ms, 0.25 ms here. A mutual handshake makes two signatures, three
 * verifications, three key pairs and two agreements.
 *
 * <p>Not installed by the library: {@link #install()} puts it first in the JVM's provider list,
 * which changes how every ECDSA signature, EC key pair and X25519 agreement of the process is
 * computed, so an application decides (Flotta's commands do, unless started with {@code
 * -Dflotta.crypto=jdk}). Keys and parameters it does not handle (RSA, explicit curve parameters,
 * X448, keys held in hardware) are refused at initialisation, and the JCA then takes the next
 * provider.
 */
public final class HandshakeCryptoProvider extends Provider {

    private static final long serialVersionUID = 1L;
    /** The provider's name in the JVM's list. */
    public static final String NAME = "FlottaHandshakeCrypto";

    public HandshakeCryptoProvider() {
        super(NAME, "1.0", "ECDSA and EC key pairs on named curves, and X25519, through BouncyCastle's"
                + " lightweight code");
        putSignature("SHA256withECDSA", "1.2.840.10045.4.3.2", SHA256Digest::new);
        putSignature("SHA384withECDSA", "1.2.840.10045.4.3.3", SHA384Digest::new);
        putEngine("KeyPairGenerator", "EC", List.of(), Map.of(), EcKeyPairGenerator.class, EcKeyPairGenerator::new);
        putX25519("KeyPairGenerator", Map.of(), X25519Spis.PairGenerator.class, X25519Spis.PairGenerator::new);
        putX25519("KeyFactory", Map.of(), X25519Spis.Factory.class, X25519Spis.Factory::new);
        putX25519("KeyAgreement", Map.of("SupportedKeyClasses",
                "java.security.interfaces.XECPrivateKey|java.security.interfaces.XECPublicKey"),
                X25519Spis.Agreement.class, X25519Spis.Agreement::new);
    }

    private void putSignature(String algorithm, String oid, Supplier<Digest> digest) {
        // the JCA offers only EC keys to this provider; others go straight to the next one
        putEngine("Signature", algorithm, List.of(oid, "OID." + oid), Map.of("SupportedKeyClasses",
                "java.security.interfaces.ECPublicKey|java.security.interfaces.ECPrivateKey"),
                Spi.class, () -> new Spi(digest.get()));
    }

    /** Under "XDH", the name the JDK's TLS stack asks for, and "X25519" (OID 1.3.101.110). */
    private void putX25519(String type, Map<String, String> attributes, Class<?> spiClass, Supplier<Object> spi) {
        putEngine(type, "XDH", List.of(), attributes, spiClass, spi);
        putEngine(type, "X25519", List.of("1.3.101.110", "OID.1.3.101.110"), attributes, spiClass, spi);
    }

    /** A service whose engine objects come from {@code spi} (constructors here take arguments or are not public). */
    private void putEngine(String type, String algorithm, List<String> aliases, Map<String, String> attributes,
            Class<?> spiClass, Supplier<Object> spi) {
        putService(new Service(this, type, algorithm, spiClass.getName(), aliases, attributes) {
            @Override
            public Object newInstance(Object parameter) {
                return spi.get();
            }
        });
    }

    /**
     * {@link #install()}, unless the system property {@code flotta.crypto} is {@code jdk}: what
     * Flotta's own commands do first.
     */
    public static void installUnlessDisabled() {
        if (!"jdk".equals(System.getProperty("flotta.crypto"))) {
            install();
        }
    }

    /** Puts the provider first in this JVM's list, once; returns whether this call did. */
    public static synchronized boolean install() {
        if (Security.getProvider(NAME) != null) {
            return false;
        }
        Security.insertProviderAt(new HandshakeCryptoProvider(), 1);
        return true;
    }

    /**
     * EC key pairs on secp256r1, secp384r1 and secp521r1 (the JDK's own key objects, through {@link
     * Signatures#generateEc}): a JDK client offers a secp256r1 key share beside X25519 in every
     * handshake, generated through this. Other parameters go to the next provider.
     */
    static final class EcKeyPairGenerator extends KeyPairGeneratorSpi {
        private static final Map<Integer, String> CURVES_BY_SIZE = Map.of(256, "secp256r1", 384, "secp384r1",
                521, "secp521r1");
        private static final Map<Curve, String> NAMED_PARAMETERS = namedParameters();
        // the JDK's default size
        private String curve = "secp384r1";
        private SecureRandom random = Signatures.RANDOM;

        @Override
        public void initialize(int keysize, SecureRandom random) {
            String named = CURVES_BY_SIZE.get(keysize);
            if (named == null) {
                throw new InvalidParameterException("no named curve of " + keysize + " bits here");
            }
            use(named, random);
        }

        @Override
        public void initialize(AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidAlgorithmParameterException {
            // by name, or (as the JDK's TLS stack passes them) the parameters of one of those curves
            String name = params instanceof ECGenParameterSpec named ? named.getName()
                    : params instanceof ECParameterSpec curve ? NAMED_PARAMETERS.get(Curve.of(curve)) : null;
            if (name == null || !CURVES_BY_SIZE.containsValue(name)) {
                throw new InvalidAlgorithmParameterException("only secp256r1, secp384r1 and secp521r1");
            }
            use(name, random);
        }

        /** What identifies a curve's parameters (ECParameterSpec has no equals). */
        private record Curve(EllipticCurve curve, ECPoint generator, BigInteger order, int cofactor) {
            static Curve of(ECParameterSpec spec) {
                return new Curve(spec.getCurve(), spec.getGenerator(), spec.getOrder(), spec.getCofactor());
            }
        }

        private static Map<Curve, String> namedParameters() {
            Map<Curve, String> byParameters = new java.util.HashMap<>();
            for (String name : CURVES_BY_SIZE.values()) {
                try {
                    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                    parameters.init(new ECGenParameterSpec(name));
                    byParameters.put(Curve.of(parameters.getParameterSpec(ECParameterSpec.class)), name);
                } catch (GeneralSecurityException e) {
                    // a JDK without that curve: it is then only taken by name
                }
            }
            return Map.copyOf(byParameters);
        }

        private void use(String named, SecureRandom random) {
            this.curve = named;
            this.random = random == null ? Signatures.RANDOM : random;
        }

        @Override
        public KeyPair generateKeyPair() {
            try {
                return Signatures.generateEc(curve, random);
            } catch (GeneralSecurityException e) {
                throw new ProviderException("cannot generate a key pair on " + curve, e);
            }
        }
    }

    /** One signature operation: the message is digested as it comes, as the JDK's own does. */
    static final class Spi extends SignatureSpi {

        private final DSADigestSigner signer;

        Spi(Digest digest) {
            this.signer = new DSADigestSigner(new ECDSASigner(), digest, StandardDSAEncoding.INSTANCE);
        }

        @Override
        protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
            try {
                signer.init(false, Signatures.ecPublic(key)
                        .orElseThrow(() -> new InvalidKeyException("not an EC public key on a named curve")));
            } catch (IllegalArgumentException e) {
                throw new InvalidKeyException("not a point on the key's curve", e);
            }
        }

        @Override
        protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
            engineInitSign(key, Signatures.RANDOM);
        }

        @Override
        protected void engineInitSign(PrivateKey key, SecureRandom random) throws InvalidKeyException {
            signer.init(true, new ParametersWithRandom(Signatures.ecPrivate(key)
                    .orElseThrow(() -> new InvalidKeyException("not an EC private key on a named curve")),
                    random == null ? Signatures.RANDOM : random));
        }

        @Override
        protected void engineUpdate(byte b) {
            signer.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
            signer.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            try {
                return signer.generateSignature();
            } catch (RuntimeException e) {
                throw new SignatureException("ECDSA signature failed", e);
            }
        }

        @Override
        protected boolean engineVerify(byte[] signature) {
            // false for a signature that does not decode, too: the bytes are the peer's
            return signer.verifySignature(signature);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException("no parameters");
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException("no parameters");
        }
    }
}
