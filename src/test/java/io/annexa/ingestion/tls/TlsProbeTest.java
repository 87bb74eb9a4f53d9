package io.annexa.ingestion.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.TlsEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe against real TLS servers on this machine, with certificates made for the test. Each server pins its
 * protocols and cipher suites, so every field of the recorded endpoint can be expected exactly.
 */
class TlsProbeTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final List<String> TLS_12_13 = List.of("TLSv1.3", "TLSv1.2");
    // Whole seconds: X.509 dates carry no more.
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final Instant YEAR_AGO = NOW.minus(365, ChronoUnit.DAYS);
    private static final Instant IN_A_YEAR = NOW.plus(365, ChronoUnit.DAYS);

    @TempDir
    static Path temp;

    private static TestCertificates.Issued ca;
    private static TestCertificates.Issued good;
    private static TestCertificates.Issued expired;
    private static TestCertificates.Issued weak;
    private static TestCertificates.Issued ec;
    private static TestCertificates.Issued ed25519;
    private static LocalTlsServer goodServer;
    private static LocalTlsServer expiredServer;
    private static LocalTlsServer weakServer;
    private static LocalTlsServer tls12OnlyServer;
    private static LocalTlsServer ecServer;
    private static LocalTlsServer ed25519Server;
    private static LegacyTlsServer legacyServer;
    private static LegacyTlsServer legacyOnlyServer;

    private final TlsProbe probe = new TlsProbe(Duration.ofSeconds(3));

    @BeforeAll
    static void startServers() throws Exception {
        ca = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=Annexa Test CA, O=Annexa Test", "SHA256withRSA",
                YEAR_AGO, IN_A_YEAR.plus(365, ChronoUnit.DAYS), true);
        good = TestCertificates.issuedBy(ca, TestCertificates.rsa(2048), "CN=good.annexa.test, O=Annexa Test", "SHA256withRSA",
                NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR);
        expired = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=expired.annexa.test", "SHA256withRSA",
                YEAR_AGO, NOW.minus(30, ChronoUnit.DAYS), false);
        weak = TestCertificates.selfSigned(TestCertificates.rsa(1024), "CN=weak.annexa.test", "SHA1withRSA",
                NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR, false);
        ec = TestCertificates.selfSigned(TestCertificates.ec("secp256r1"), "CN=ec.annexa.test", "SHA256withECDSA",
                NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR, false);
        KeyPair edKeys = TestCertificates.ed25519();
        ed25519 = TestCertificates.selfSigned(edKeys, "CN=ed25519.annexa.test", "Ed25519", NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR, false);

        List<String> rsaSuites = List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        List<String> ecSuites = List.of("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        goodServer = new LocalTlsServer(good.keyStore(PASSWORD), PASSWORD, TLS_12_13, rsaSuites);
        expiredServer = new LocalTlsServer(expired.keyStore(PASSWORD), PASSWORD, TLS_12_13, rsaSuites);
        weakServer = new LocalTlsServer(weak.keyStore(PASSWORD), PASSWORD, TLS_12_13, rsaSuites);
        tls12OnlyServer = new LocalTlsServer(good.keyStore(PASSWORD), PASSWORD, List.of("TLSv1.2"),
                List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        ecServer = new LocalTlsServer(ec.keyStore(PASSWORD), PASSWORD, TLS_12_13, ecSuites);
        ed25519Server = new LocalTlsServer(ed25519.keyStore(PASSWORD), PASSWORD, TLS_12_13, ecSuites);
        legacyServer = new LegacyTlsServer(good, List.of("TLSv1.2", "TLSv1.1", "TLSv1"),
                List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), temp.resolve("legacy"));
        legacyOnlyServer = new LegacyTlsServer(good, List.of("TLSv1.1", "TLSv1"), List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
                temp.resolve("legacy-only"));
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (AutoCloseable server : new AutoCloseable[] {goodServer, expiredServer, weakServer, tls12OnlyServer, ecServer,
                ed25519Server, legacyServer, legacyOnlyServer}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void aWellConfiguredEndpointIsRecordedInFull() {
        Instant before = Instant.now();
        TlsEndpoint endpoint = probe.probe(new TlsTarget("Web-01.Example.org.", "127.0.0.1", goodServer.port()));

        assertThat(endpoint).usingRecursiveComparison().ignoringFields("observedAt").isEqualTo(new TlsEndpoint(
                "web-01.example.org", "tls", "127.0.0.1", goodServer.port(), TLS_12_13, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                "CN=good.annexa.test,O=Annexa Test", "CN=Annexa Test CA,O=Annexa Test",
                NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR, "RSA", 2048, "SHA256withRSA", false, "", Instant.EPOCH));
        assertThat(endpoint.getObservedAt()).isBetween(before, Instant.now());
        assertThat(endpoint.getEndpoint()).isEqualTo("127.0.0.1:" + goodServer.port());
    }

    @Test
    void anExpiredCertificateIsRecordedNotRefused() {
        TlsEndpoint endpoint = probe.probe(new TlsTarget("expired", "127.0.0.1", expiredServer.port()));

        assertThat(endpoint).usingRecursiveComparison().ignoringFields("observedAt").isEqualTo(new TlsEndpoint(
                "expired", "tls", "127.0.0.1", expiredServer.port(), TLS_12_13, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                "CN=expired.annexa.test", "CN=expired.annexa.test", YEAR_AGO, NOW.minus(30, ChronoUnit.DAYS),
                "RSA", 2048, "SHA256withRSA", true, "", Instant.EPOCH));
        assertThat(endpoint.getNotAfter()).isBefore(endpoint.getObservedAt());
    }

    @Test
    void aWeakKeyAndSha1SignatureAreRecordedAsTheyAre() {
        TlsEndpoint endpoint = probe.probe(new TlsTarget("weak", "127.0.0.1", weakServer.port()));

        // RSA 1024 with SHA1withRSA: the JDK still serves it, and the probe's trust-all manager does not object.
        assertThat(endpoint).usingRecursiveComparison().ignoringFields("observedAt").isEqualTo(new TlsEndpoint(
                "weak", "tls", "127.0.0.1", weakServer.port(), TLS_12_13, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                "CN=weak.annexa.test", "CN=weak.annexa.test", NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR,
                "RSA", 1024, "SHA1withRSA", true, "", Instant.EPOCH));
    }

    @Test
    void aServerSpeakingOnlyTls12IsRecordedWithThatVersionAlone() {
        TlsEndpoint endpoint = probe.probe(new TlsTarget("tls12", "127.0.0.1", tls12OnlyServer.port()));

        assertThat(endpoint).usingRecursiveComparison().ignoringFields("observedAt").isEqualTo(new TlsEndpoint(
                "tls12", "tls", "127.0.0.1", tls12OnlyServer.port(), List.of("TLSv1.2"), "TLSv1.2",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "CN=good.annexa.test,O=Annexa Test", "CN=Annexa Test CA,O=Annexa Test",
                NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR, "RSA", 2048, "SHA256withRSA", false, "", Instant.EPOCH));
    }

    @Test
    void legacyVersionsAreDetectedWithoutReenablingThemInThisJvm() {
        TlsEndpoint endpoint = probe.probe(new TlsTarget("legacy", "127.0.0.1", legacyServer.port()));

        // The default handshake still negotiates what this JVM allows; the legacy versions come from the hello probe.
        assertThat(endpoint).usingRecursiveComparison().ignoringFields("observedAt").isEqualTo(new TlsEndpoint(
                "legacy", "tls", "127.0.0.1", legacyServer.port(), List.of("TLSv1.2", "TLSv1.1", "TLSv1"), "TLSv1.2",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "CN=good.annexa.test,O=Annexa Test", "CN=Annexa Test CA,O=Annexa Test",
                NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR, "RSA", 2048, "SHA256withRSA", false, "", Instant.EPOCH));
    }

    @Test
    void aServerSpeakingOnlyLegacyVersionsFailsTheHandshakeButItsVersionsAreStillRecorded() {
        TlsEndpoint endpoint = probe.probe(new TlsTarget("old", "127.0.0.1", legacyOnlyServer.port()));

        assertThat(endpoint).usingRecursiveComparison().ignoringFields("observedAt").isEqualTo(new TlsEndpoint(
                "old", "tls", "127.0.0.1", legacyOnlyServer.port(), List.of("TLSv1.1", "TLSv1"), "", "", "", "", null, null,
                "", 0, "", false, "handshake failed: Received fatal alert: protocol_version", Instant.EPOCH));
    }

    @Test
    void thisJvmsOwnTlsClientCannotOfferLegacyVersionsEvenWithPermissiveConstraints() throws Exception {
        // Why the probe needs its own hello: per-socket constraints can only narrow jdk.tls.disabledAlgorithms.
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", legacyServer.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {"TLSv1"});
            parameters.setAlgorithmConstraints(new AlgorithmConstraints() {
                @Override
                public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters p) {
                    return true;
                }

                @Override
                public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
                    return true;
                }

                @Override
                public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, Key key, AlgorithmParameters p) {
                    return true;
                }
            });
            socket.setSSLParameters(parameters);
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("No appropriate protocol");
        }
    }

    @Test
    void anEcKeyIsRecordedWithItsFieldSize() {
        TlsEndpoint endpoint = probe.probe(new TlsTarget("ec", "127.0.0.1", ecServer.port()));

        assertThat(endpoint).usingRecursiveComparison().ignoringFields("observedAt").isEqualTo(new TlsEndpoint(
                "ec", "tls", "127.0.0.1", ecServer.port(), TLS_12_13, "TLSv1.3", "TLS_AES_256_GCM_SHA384",
                "CN=ec.annexa.test", "CN=ec.annexa.test", NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR,
                "EC", 256, "SHA256withECDSA", true, "", Instant.EPOCH));
    }

    @Test
    void anEd25519KeyIsRecordedByItsCurveName() {
        TlsEndpoint endpoint = probe.probe(new TlsTarget("ed", "127.0.0.1", ed25519Server.port()));

        assertThat(endpoint).usingRecursiveComparison().ignoringFields("observedAt").isEqualTo(new TlsEndpoint(
                "ed", "tls", "127.0.0.1", ed25519Server.port(), TLS_12_13, "TLSv1.3", "TLS_AES_256_GCM_SHA384",
                "CN=ed25519.annexa.test", "CN=ed25519.annexa.test", NOW.minus(1, ChronoUnit.DAYS), IN_A_YEAR,
                "Ed25519", 255, "Ed25519", true, "", Instant.EPOCH));
    }

    @Test
    void aClosedPortIsRecordedAsAnError() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        TlsEndpoint endpoint = probe.probe(new TlsTarget("down", "127.0.0.1", port));

        assertThat(endpoint.getError()).isEqualTo("cannot connect to 127.0.0.1:" + port + ": Connection refused");
        assertNothingObserved(endpoint);
    }

    @Test
    void anUnresolvableHostIsRecordedAsAnError() {
        TlsEndpoint endpoint = probe.probe(new TlsTarget("ghost", "no-such-host.annexa.invalid", 443));

        assertThat(endpoint.getError()).isEqualTo("unknown host: no-such-host.annexa.invalid");
        assertThat(endpoint.getHost()).isEqualTo("no-such-host.annexa.invalid");
        assertThat(endpoint.getPort()).isEqualTo(443);
        assertNothingObserved(endpoint);
    }

    @Test
    void aPortThatDoesNotSpeakTlsIsRecordedAsAFailedHandshake() throws Exception {
        try (ServerSocket ssh = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread banner = new Thread(() -> {
                while (!ssh.isClosed()) {
                    try (Socket client = ssh.accept()) {
                        client.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed by the test
                    }
                }
            });
            banner.setDaemon(true);
            banner.start();

            TlsEndpoint endpoint = probe.probe(new TlsTarget("ssh", "127.0.0.1", ssh.getLocalPort()));

            assertThat(endpoint.getError()).startsWith("handshake failed: ");
            assertNothingObserved(endpoint);
        }
    }

    private static void assertNothingObserved(TlsEndpoint endpoint) {
        assertThat(endpoint.getSource()).isEqualTo("tls");
        assertThat(endpoint.getProtocols()).isEmpty();
        assertThat(endpoint.getNegotiatedProtocol()).isEmpty();
        assertThat(endpoint.getCipherSuite()).isEmpty();
        assertThat(endpoint.getSubject()).isEmpty();
        assertThat(endpoint.getIssuer()).isEmpty();
        assertThat(endpoint.getNotBefore()).isNull();
        assertThat(endpoint.getNotAfter()).isNull();
        assertThat(endpoint.getKeyType()).isEmpty();
        assertThat(endpoint.getKeySize()).isZero();
        assertThat(endpoint.getSignatureAlgorithm()).isEmpty();
        assertThat(endpoint.isSelfSigned()).isFalse();
        assertThat(endpoint.getObservedAt()).isBeforeOrEqualTo(Instant.now());
    }
}
