package io.flotta.core.pki;

import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyFactorySpi;
import java.security.KeyPairGeneratorSpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.encoders.Hex;

/**
 * X25519 (RFC 7748) for {@link HandshakeCryptoProvider}: key pairs, keys from their specs and the
 * key agreement, as the JDK's TLS stack asks for them for its default key share, computed by
 * BouncyCastle's lightweight code. Keys are the JDK's {@link XECPublicKey}/{@link XECPrivateKey}
 * interfaces, so keys of any provider work here and ours work elsewhere; anything other than X25519
 * (X448) is refused, and the JCA then takes the next provider.
 */
final class X25519Spis {

    static final int KEY_BYTES = 32;
    /** 2^255 - 19. */
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    // DER prefixes of the only encodings of X25519 keys (RFC 8410): OID 1.3.101.110, no parameters
    private static final byte[] SPKI_PREFIX = Hex.decode("302a300506032b656e032100");
    private static final byte[] PKCS8_PREFIX = Hex.decode("302e020100300506032b656e04220420");

    private X25519Spis() {
    }

    // ------------------------------------------------------------------ keys

    /** What both kinds of key are: 32 bytes and the DER prefix of their encoding. */
    private abstract static class X25519Key implements XECKey, Key {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;
        private final byte[] prefix;
        private final String format;

        X25519Key(byte[] bytes, byte[] prefix, String format) {
            this.bytes = bytes.clone();
            this.prefix = prefix;
            this.format = format;
        }

        final byte[] bytes() {
            return bytes;
        }

        @Override
        public AlgorithmParameterSpec getParams() {
            return NamedParameterSpec.X25519;
        }

        @Override
        public String getAlgorithm() {
            return "XDH";
        }

        @Override
        public String getFormat() {
            return format;
        }

        @Override
        public byte[] getEncoded() {
            byte[] out = Arrays.copyOf(prefix, prefix.length + KEY_BYTES);
            System.arraycopy(bytes, 0, out, prefix.length, KEY_BYTES);
            return out;
        }
    }

    /** A public key: the u-coordinate, 32 bytes little-endian. */
    static final class PublicKeyImpl extends X25519Key implements XECPublicKey {
        private static final long serialVersionUID = 1L;

        PublicKeyImpl(byte[] u) {
            super(u, SPKI_PREFIX, "X.509");
        }

        static PublicKeyImpl of(BigInteger u) {
            // little-endian, as RFC 7748 encodes u
            return new PublicKeyImpl(org.bouncycastle.util.Arrays.reverseInPlace(
                    BigIntegers.asUnsignedByteArray(KEY_BYTES, u.mod(P))));
        }

        @Override
        public BigInteger getU() {
            return new BigInteger(1, org.bouncycastle.util.Arrays.reverse(bytes()));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PublicKeyImpl other && Arrays.equals(bytes(), other.bytes());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes());
        }
    }

    /** A private key: the scalar, 32 bytes (clamped when used, as RFC 7748 says). */
    static final class PrivateKeyImpl extends X25519Key implements XECPrivateKey {
        private static final long serialVersionUID = 1L;

        PrivateKeyImpl(byte[] scalar) {
            super(scalar, PKCS8_PREFIX, "PKCS#8");
        }

        @Override
        public Optional<byte[]> getScalar() {
            return Optional.of(bytes().clone());
        }
    }

    // ------------------------------------------------------------------ engines

    static final class PairGenerator extends KeyPairGeneratorSpi {
        private SecureRandom random;

        @Override
        public void initialize(int keysize, SecureRandom random) {
            if (keysize != 255) {
                throw new InvalidParameterException("only X25519 (255 bits)");
            }
            this.random = random;
        }

        @Override
        public void initialize(AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidAlgorithmParameterException {
            if (!isX25519(params)) {
                throw new InvalidAlgorithmParameterException("only X25519");
            }
            this.random = random;
        }

        @Override
        public KeyPair generateKeyPair() {
            byte[] scalar = new byte[KEY_BYTES];
            X25519.generatePrivateKey(random == null ? Signatures.RANDOM : random, scalar);
            byte[] u = new byte[KEY_BYTES];
            X25519.generatePublicKey(scalar, 0, u, 0);
            return new KeyPair(new PublicKeyImpl(u), new PrivateKeyImpl(scalar));
        }
    }

    static final class Factory extends KeyFactorySpi {

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            if (spec instanceof XECPublicKeySpec xec && isX25519(xec.getParams())) {
                return PublicKeyImpl.of(xec.getU());
            }
            if (spec instanceof X509EncodedKeySpec x509) {
                return new PublicKeyImpl(after(SPKI_PREFIX, x509.getEncoded()));
            }
            throw new InvalidKeySpecException("not an X25519 public key spec");
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            if (spec instanceof XECPrivateKeySpec xec && isX25519(xec.getParams())
                    && xec.getScalar().length == KEY_BYTES) {
                return new PrivateKeyImpl(xec.getScalar());
            }
            if (spec instanceof PKCS8EncodedKeySpec pkcs8) {
                return new PrivateKeyImpl(after(PKCS8_PREFIX, pkcs8.getEncoded()));
            }
            throw new InvalidKeySpecException("not an X25519 private key spec");
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
            Key ours;
            try {
                ours = engineTranslateKey(key);
            } catch (InvalidKeyException e) {
                throw new InvalidKeySpecException(e.getMessage(), e);
            }
            KeySpec spec = null;
            if (ours instanceof PublicKeyImpl pub && type.isAssignableFrom(XECPublicKeySpec.class)) {
                spec = new XECPublicKeySpec(NamedParameterSpec.X25519, pub.getU());
            } else if (ours instanceof PublicKeyImpl && type.isAssignableFrom(X509EncodedKeySpec.class)) {
                spec = new X509EncodedKeySpec(ours.getEncoded());
            } else if (ours instanceof PrivateKeyImpl priv && type.isAssignableFrom(XECPrivateKeySpec.class)) {
                spec = new XECPrivateKeySpec(NamedParameterSpec.X25519, priv.bytes());
            } else if (ours instanceof PrivateKeyImpl && type.isAssignableFrom(PKCS8EncodedKeySpec.class)) {
                spec = new PKCS8EncodedKeySpec(ours.getEncoded());
            }
            if (spec == null) {
                throw new InvalidKeySpecException("no " + type.getName() + " for an X25519 key");
            }
            return type.cast(spec);
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            if (key instanceof XECPublicKey pub) {
                return publicKey(pub);
            }
            if (key instanceof XECPrivateKey priv) {
                return privateKey(priv);
            }
            throw new InvalidKeyException("not an X25519 key");
        }
    }

    static final class Agreement extends KeyAgreementSpi {
        private PrivateKeyImpl privateKey;
        private byte[] secret;

        @Override
        protected void engineInit(Key key, SecureRandom random) throws InvalidKeyException {
            if (!(key instanceof XECPrivateKey priv)) {
                throw new InvalidKeyException("not an XDH private key");
            }
            privateKey = privateKey(priv);
            secret = null;
        }

        @Override
        protected void engineInit(Key key, AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidKeyException, InvalidAlgorithmParameterException {
            if (params != null && !isX25519(params)) {
                throw new InvalidAlgorithmParameterException("only X25519");
            }
            engineInit(key, random);
        }

        @Override
        protected Key engineDoPhase(Key key, boolean lastPhase) throws InvalidKeyException {
            if (privateKey == null) {
                throw new IllegalStateException("not initialised");
            }
            if (!lastPhase) {
                throw new IllegalStateException("X25519 has one phase");
            }
            if (!(key instanceof XECPublicKey pub)) {
                throw new InvalidKeyException("not an XDH public key");
            }
            byte[] shared = new byte[KEY_BYTES];
            // false when the result is all zeros: the peer sent a point of small order
            if (!X25519.calculateAgreement(privateKey.bytes(), 0, publicKey(pub).bytes(), 0, shared, 0)) {
                throw new InvalidKeyException("point has small order");
            }
            secret = shared;
            return null;
        }

        @Override
        protected byte[] engineGenerateSecret() {
            return takeSecret();
        }

        @Override
        protected int engineGenerateSecret(byte[] out, int offset) throws ShortBufferException {
            if (out.length - offset < KEY_BYTES) {
                throw new ShortBufferException("needs " + KEY_BYTES + " bytes");
            }
            byte[] result = takeSecret();
            System.arraycopy(result, 0, out, offset, KEY_BYTES);
            return KEY_BYTES;
        }

        @Override
        protected SecretKey engineGenerateSecret(String algorithm) throws NoSuchAlgorithmException {
            // as the JDK's own: the raw shared secret only feeds TLS's key schedule
            if (!"TlsPremasterSecret".equals(algorithm)) {
                throw new NoSuchAlgorithmException("only TlsPremasterSecret");
            }
            return new SecretKeySpec(takeSecret(), algorithm);
        }

        private byte[] takeSecret() {
            if (secret == null) {
                throw new IllegalStateException("no key agreement done");
            }
            byte[] result = secret;
            secret = null;
            return result;
        }
    }

    // ------------------------------------------------------------------ helpers

    static boolean isX25519(AlgorithmParameterSpec params) {
        return params instanceof NamedParameterSpec named && "X25519".equalsIgnoreCase(named.getName());
    }

    private static PublicKeyImpl publicKey(XECPublicKey key) throws InvalidKeyException {
        if (key instanceof PublicKeyImpl ours) {
            return ours;
        }
        if (!isX25519(key.getParams())) {
            throw new InvalidKeyException("not an X25519 key");
        }
        return PublicKeyImpl.of(key.getU());
    }

    private static PrivateKeyImpl privateKey(XECPrivateKey key) throws InvalidKeyException {
        if (key instanceof PrivateKeyImpl ours) {
            return ours;
        }
        if (!isX25519(key.getParams())) {
            throw new InvalidKeyException("not an X25519 key");
        }
        byte[] scalar = key.getScalar().orElseThrow(() -> new InvalidKeyException("the key's scalar is not readable"));
        if (scalar.length != KEY_BYTES) {
            throw new InvalidKeyException("an X25519 scalar has 32 bytes");
        }
        return new PrivateKeyImpl(scalar);
    }

    private static byte[] after(byte[] prefix, byte[] encoded) throws InvalidKeySpecException {
        if (encoded.length != prefix.length + KEY_BYTES
                || !Arrays.equals(encoded, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new InvalidKeySpecException("not an X25519 key encoding");
        }
        return Arrays.copyOfRange(encoded, prefix.length, encoded.length);
    }
}
