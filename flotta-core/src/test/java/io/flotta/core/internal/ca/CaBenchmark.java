package io.flotta.core.internal.ca;

import io.flotta.core.pki.CertificateChecks;
import io.flotta.core.pki.Csrs;
import io.flotta.core.pki.Keys;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateSubject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What registration costs the control plane: signing device CSRs, and the per-request leaf check.
 * Run: {@code java -cp <test classpath> org.openjdk.jmh.Main CaBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CaBenchmark {

    private static final CertificateSubject SUBJECT = CertificateSubject.device("dev-1", "ns");

    private Path directory;
    private CertificateAuthority ca;
    private String ecCsr;
    private String rsaCsr;
    private byte[] deviceDer;
    private X509Certificate device;
    private CertificateFactory factory;

    @Setup
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("ca-benchmark");
        ca = CaFixture.open(directory);
        ecCsr = Csrs.create(Keys.generateEcP256(), "dev-1");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        rsaCsr = Csrs.create(rsa.generateKeyPair(), "dev-1");
        device = ca.signDevice(ecCsr, SUBJECT, Duration.ofDays(30));
        deviceDer = device.getEncoded();
        factory = CertificateFactory.getInstance("X.509");
    }

    @TearDown
    public void tearDown() throws IOException {
        CaFixture.closeAndDelete(ca, directory);
    }

    @Benchmark
    public X509Certificate signEcP256Csr() {
        return ca.signDevice(ecCsr, SUBJECT, Duration.ofDays(30));
    }

    @Benchmark
    public X509Certificate signRsa2048Csr() {
        return ca.signDevice(rsaCsr, SUBJECT, Duration.ofDays(30));
    }

    /**
     * The leaf check as a connection makes it. The JDK's certificate factory caches certificates by
     * encoding, and a certificate caches its verification, so a device's repeated requests cost
     * this little; {@link #firstVerifyOfLeaf()} is the cost the first time.
     */
    @Benchmark
    public boolean parseAndVerifyLeaf() throws Exception {
        X509Certificate leaf = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(deviceDer));
        return CertificateChecks.signedByAny(leaf, ca.trustAnchors());
    }

    /** The signature check alone, without the JDK's caches: what a device's first request costs. */
    @Benchmark
    public boolean firstVerifyOfLeaf() throws Exception {
        Signature verifier = Signature.getInstance(device.getSigAlgName());
        verifier.initVerify(ca.trustAnchors().get(0).getPublicKey());
        verifier.update(device.getTBSCertificate());
        return verifier.verify(device.getSignature());
    }

    @Benchmark
    public String makeCsr() {
        return Csrs.create(Keys.generateEcP256(), "dev-1");
    }
}
