package io.flotta.core.pki;

import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM encoding and decoding of certificates, private keys and certificate requests.
 *
 * <p>Private keys are written the way the upstream device agent reads them: EC keys as SEC1
 * ({@code EC PRIVATE KEY}, with the named curve and the public point), RSA keys as PKCS#1
 * ({@code RSA PRIVATE KEY}); never PKCS#8. Reading accepts SEC1, PKCS#1 and unencrypted PKCS#8.
 * Text around PEM blocks is ignored. Every failure is a {@link FlottaException} with
 * {@link Code#INVALID_ARGUMENT}.
 */
public final class Pem {

    public static final String CERTIFICATE = "CERTIFICATE";
    public static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";
    public static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";
    public static final String RSA_PRIVATE_KEY = "RSA PRIVATE KEY";
    public static final String PRIVATE_KEY = "PRIVATE KEY";

    /** Label written by old OpenSSL versions and some tools for a CSR. */
    private static final String NEW_CERTIFICATE_REQUEST = "NEW CERTIFICATE REQUEST";
    private static final String ENCRYPTED_PRIVATE_KEY = "ENCRYPTED PRIVATE KEY";

    private Pem() {
    }

    // ---------------------------------------------------------------- encoding

    /** One {@code CERTIFICATE} block. */
    public static String encodeCertificate(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        try {
            return encode(CERTIFICATE, certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw invalid("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** One {@code CERTIFICATE} block per certificate, in the given order (leaf first for a chain). */
    public static String encodeCertificates(List<X509Certificate> certificates) {
        Objects.requireNonNull(certificates, "certificates");
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            out.append(encodeCertificate(certificate));
        }
        return out.toString();
    }

    /**
     * An EC key as SEC1 {@code EC PRIVATE KEY}, an RSA key as PKCS#1 {@code RSA PRIVATE KEY}. Other
     * key types are refused: the upstream agent could not read them.
     */
    public static String encodePrivateKey(PrivateKey key) {
        Objects.requireNonNull(key, "key");
        byte[] pkcs8 = key.getEncoded();
        if (pkcs8 == null) {
            throw invalid("private key of type " + key.getClass().getName() + " cannot be exported", null);
        }
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(pkcs8);
        } catch (RuntimeException e) {
            throw invalid("private key is not PKCS#8 encoded: " + e.getMessage(), e);
        }
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        try {
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                return encode(EC_PRIVATE_KEY, sec1(info).getEncoded());
            }
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                return encode(RSA_PRIVATE_KEY, RSAPrivateKey.getInstance(info.parsePrivateKey()).getEncoded());
            }
        } catch (IOException | RuntimeException e) {
            throw invalid("private key cannot be encoded: " + e.getMessage(), e);
        }
        throw invalid("private key algorithm " + key.getAlgorithm()
                + " cannot be written as PEM for devices; use an EC or RSA key", null);
    }

    /**
     * SEC1 with the curve and the public point filled in: some readers (the upstream agent among
     * them) need the curve inside the structure, and the JDK leaves both optional fields out.
     */
    private static ECPrivateKey sec1(PrivateKeyInfo info) throws IOException {
        ASN1Encodable parameters = info.getPrivateKeyAlgorithm().getParameters();
        if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            throw invalid("EC private key does not use a named curve", null);
        }
        X9ECParameters domain = ECNamedCurveTable.getByOID(curve);
        if (domain == null) {
            throw invalid("EC private key uses an unknown curve " + curve.getId(), null);
        }
        BigInteger d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        byte[] point = domain.getG().multiply(d).normalize().getEncoded(false);
        return new ECPrivateKey(domain.getN().bitLength(), d, new DERBitString(point), curve);
    }

    /** A PEM block with lines of 64 characters and a trailing newline. */
    public static String encode(String label, byte[] der) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(der, "der");
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + (body.isEmpty() ? "" : "\n")
                + "-----END " + label + "-----\n";
    }

    // ---------------------------------------------------------------- decoding

    /** The first certificate in {@code pem} (the leaf, for a chain). */
    public static X509Certificate readCertificate(String pem) {
        return readCertificates(pem).get(0);
    }

    /** Every {@code CERTIFICATE} block in {@code pem}, in order; other blocks are skipped. Never empty. */
    public static List<X509Certificate> readCertificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory = certificateFactory();
        int index = 0;
        for (PemObject block : blocks(pem, "certificate")) {
            if (!CERTIFICATE.equals(block.getType())) {
                continue;
            }
            try {
                certificates.add((X509Certificate)
                        factory.generateCertificate(new ByteArrayInputStream(block.getContent())));
            } catch (CertificateException | RuntimeException e) {
                throw invalid("certificate #" + (index + 1) + " in PEM is not a valid X.509 certificate: "
                        + e.getMessage(), e);
            }
            index++;
        }
        if (certificates.isEmpty()) {
            throw invalid("PEM holds no CERTIFICATE block", null);
        }
        return List.copyOf(certificates);
    }

    /**
     * The first private key in {@code pem}: {@code EC PRIVATE KEY} (SEC1), {@code RSA PRIVATE KEY}
     * (PKCS#1) or {@code PRIVATE KEY} (PKCS#8). Encrypted keys are refused. Other blocks (such as
     * {@code EC PARAMETERS} from {@code openssl ecparam -genkey}) are skipped.
     */
    public static PrivateKey readPrivateKey(String pem) {
        for (PemObject block : blocks(pem, "private key")) {
            String type = block.getType();
            if (ENCRYPTED_PRIVATE_KEY.equals(type) || isLegacyEncrypted(block)) {
                throw invalid("encrypted private keys are not supported; decrypt the key first", null);
            }
            PrivateKeyInfo info;
            try {
                switch (type) {
                    case EC_PRIVATE_KEY -> info = fromSec1(block.getContent());
                    case RSA_PRIVATE_KEY -> info = new PrivateKeyInfo(
                            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                            RSAPrivateKey.getInstance(block.getContent()));
                    case PRIVATE_KEY -> info = PrivateKeyInfo.getInstance(block.getContent());
                    default -> {
                        continue;
                    }
                }
                return new JcaPEMKeyConverter().getPrivateKey(info);
            } catch (FlottaException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw invalid(type + " block is not a valid private key: " + e.getMessage(), e);
            }
        }
        throw invalid("PEM holds no private key block (EC PRIVATE KEY, RSA PRIVATE KEY or PRIVATE KEY)", null);
    }

    private static PrivateKeyInfo fromSec1(byte[] der) throws IOException {
        ECPrivateKey sec1 = ECPrivateKey.getInstance(der);
        ASN1Encodable curve = sec1.getParametersObject();
        if (curve == null) {
            throw invalid("EC PRIVATE KEY block does not name its curve", null);
        }
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), sec1);
    }

    private static boolean isLegacyEncrypted(PemObject block) {
        for (Object header : block.getHeaders()) {
            if (header instanceof PemHeader h && "Proc-Type".equalsIgnoreCase(h.getName())
                    && h.getValue() != null && h.getValue().contains("ENCRYPTED")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first certificate request in {@code pem}. The label may be {@code CERTIFICATE REQUEST},
     * {@code NEW CERTIFICATE REQUEST} or, as the upstream control plane tolerates, {@code CERTIFICATE}.
     * The request's signature is not checked here: see {@link Csr#isSignatureValid()}.
     */
    public static Csr readCsr(String pem) {
        for (PemObject block : blocks(pem, "certificate request")) {
            String type = block.getType();
            if (CERTIFICATE_REQUEST.equals(type) || NEW_CERTIFICATE_REQUEST.equals(type)
                    || CERTIFICATE.equals(type)) {
                return Csr.fromDer(block.getContent());
            }
        }
        throw invalid("PEM holds no CERTIFICATE REQUEST block", null);
    }

    // ---------------------------------------------------------------- helpers

    private static List<PemObject> blocks(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw invalid(what + " PEM is empty", null);
        }
        List<PemObject> blocks = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject block;
            while ((block = reader.readPemObject()) != null) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            throw invalid(what + " PEM is malformed: " + e.getMessage(), e);
        }
        if (blocks.isEmpty()) {
            throw invalid(what + " PEM holds no PEM block (no -----BEGIN line)", null);
        }
        return blocks;
    }

    static CertificateFactory certificateFactory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new FlottaException(Code.INTERNAL, "the JDK offers no X.509 certificate factory", e);
        }
    }

    static FlottaException invalid(String message, Throwable cause) {
        return cause == null
                ? new FlottaException(Code.INVALID_ARGUMENT, message)
                : new FlottaException(Code.INVALID_ARGUMENT, message, cause);
    }
}
