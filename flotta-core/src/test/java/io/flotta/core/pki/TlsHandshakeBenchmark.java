package io.flotta.core.pki;

import io.flotta.core.internal.ca.CaFixture;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.ca.IssuedCredential;
import io.flotta.spi.transport.ClientIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The public-key work of pairing one device, both sides in one thread: what bounds how fast a
 * fleet pairs when the control plane and the devices share a machine. A pairing makes two mutual
 * TLS handshakes (registration certificate, then the device's own), a key and a CSR on the device
 * and a certificate in the CA. No sockets: the two engines hand records to each other in memory.
 * Run: {@code scripts/bench-core.sh TlsHandshakeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TlsHandshakeBenchmark {

    private static final CertificateSubject SUBJECT = CertificateSubject.device("dev-1", "ns");

    private Path directory;
    private CertificateAuthority ca;
    private SSLContext server;
    private SSLContext client;

    /** Whose ECDSA and X25519 the TLS stack uses: the JDK's provider, or {@link HandshakeCryptoProvider} installed first. */
    @Param({"jdk", "flotta"})
    public String crypto = "jdk";

    @Setup
    public void setUp() throws Exception {
        if ("flotta".equals(crypto)) {
            HandshakeCryptoProvider.install();
        }
        directory = Files.createTempDirectory("tls-benchmark");
        ca = CaFixture.open(directory);
        IssuedCredential serverCredential = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        server = Tls.serverContext(serverCredential.key(), serverCredential.chain());
        KeyPair deviceKeys = Keys.generateEcP256();
        X509Certificate device = ca.signDevice(Csrs.create(deviceKeys, "dev-1"), SUBJECT, Duration.ofDays(1));
        client = Tls.clientContext(new ClientIdentity(deviceKeys.getPrivate(), List.of(device)), ca.trustAnchors());
    }

    @TearDown
    public void tearDown() throws IOException {
        CaFixture.closeAndDelete(ca, directory);
    }

    /** One full TLS 1.3 handshake with a client certificate, both ends (a fresh session each time). */
    @Benchmark
    public String mutualHandshake() throws SSLException {
        SSLEngine serverEngine = server.createSSLEngine();
        serverEngine.setUseClientMode(false);
        serverEngine.setWantClientAuth(true);
        SSLEngine clientEngine = client.createSSLEngine("127.0.0.1", 443);
        clientEngine.setUseClientMode(true);
        handshake(clientEngine, serverEngine);
        return serverEngine.getSession().getCipherSuite();
    }

    /** The device's part of registering: a new key and the CSR for it. */
    @Benchmark
    public String deviceKeyAndCsr() {
        return Csrs.create(Keys.generateEcP256(), "dev-1");
    }

    /** All the public-key work of one pairing, device and control plane together. */
    @Benchmark
    public X509Certificate pairing() throws SSLException {
        mutualHandshake();
        X509Certificate certificate = ca.signDevice(deviceKeyAndCsr(), SUBJECT, Duration.ofDays(30));
        mutualHandshake();
        return certificate;
    }

    private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size);
        ByteBuffer toClient = ByteBuffer.allocate(size);
        ByteBuffer application = ByteBuffer.allocate(client.getSession().getApplicationBufferSize() + 1024);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < 100; step++) {
            boolean clientDone = finished(client);
            boolean serverDone = finished(server);
            if (clientDone && serverDone) {
                return;
            }
            advance(client, empty, toServer, toClient, application);
            advance(server, empty, toClient, toServer, application);
        }
        throw new SSLException("the handshake did not finish");
    }

    /** Runs tasks, writes what the engine wants to send to {@code out}, reads what waits in {@code in}. */
    private static void advance(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in,
            ByteBuffer application) throws SSLException {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        for (int i = 0; i < 20; i++) {
            switch (status) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> status = engine.wrap(empty, out).getHandshakeStatus();
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    in.flip();
                    SSLEngineResult result = engine.unwrap(in, application);
                    in.compact();
                    application.clear();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || result.bytesConsumed() == 0 && result.getHandshakeStatus() == status) {
                        return;
                    }
                    status = result.getHandshakeStatus();
                }
                default -> {
                    return;
                }
            }
        }
    }

    private static boolean finished(SSLEngine engine) {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        return status == SSLEngineResult.HandshakeStatus.FINISHED
                || status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
    }
}
