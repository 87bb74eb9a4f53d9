package io.annexa.ingestion.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.TlsEndpoint;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.ScenarioFacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS scenarios become the endpoint a probe would record for the same handshake and certificate. */
class TlsScenarioTest {

    private static final Instant OBSERVED = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant NOT_AFTER = Instant.parse("2028-01-01T00:00:00Z");

    @TempDir
    Path temp;

    private static TestCertificates.Issued ca;
    private static TestCertificates.Issued leaf;
    private static TestCertificates.Issued selfSignedSha1;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=Scenario CA", "SHA256withRSA", NOT_BEFORE, NOT_AFTER, true);
        leaf = TestCertificates.issuedBy(ca, TestCertificates.ec("secp256r1"), "CN=web1.example.org", "SHA256withRSA",
                NOT_BEFORE, NOT_AFTER);
        selfSignedSha1 = TestCertificates.selfSigned(TestCertificates.rsa(1024), "CN=appliance", "SHA1withRSA", NOT_BEFORE,
                NOT_AFTER, false);
    }

    @Test
    void aHandshakeWithItsCertificateIsTheEndpointTheProbeWouldRecord() throws Exception {
        Path file = write("web1.pass.tls", """
                # comment
                host: web1.example.org
                port: 443
                protocols: [TLSv1.3, TLSv1.2, TLSv1]
                negotiated_protocol: TLSv1.3
                cipher_suite: TLS_AES_256_GCM_SHA384
                certificate: |
                """ + indent(pem(leaf.certificate())));

        ScenarioFacts facts = TlsScenario.read(file, "scenario-web1", OBSERVED);

        EvidenceKey key = new EvidenceKey(TlsProbe.SOURCE, "web1.example.org", "scenario");
        assertThat(facts.evidence()).containsOnlyKeys(key);
        assertThat(facts.events()).isEmpty();
        TlsEndpoint endpoint = (TlsEndpoint) facts.evidence().get(key).get(0);
        assertThat(endpoint).isEqualTo(TlsProbe.observed(new TlsTarget("web1.example.org", "web1.example.org", 443),
                List.of("TLSv1.3", "TLSv1.2", "TLSv1"), "TLSv1.3", "TLS_AES_256_GCM_SHA384", leaf.certificate(), OBSERVED));
        assertThat(endpoint.getKeyType()).isEqualTo("EC");
        assertThat(endpoint.getKeySize()).isEqualTo(256);
        assertThat(endpoint.getSignatureAlgorithm()).isEqualTo("SHA256withRSA");
        assertThat(endpoint.getNotAfter()).isEqualTo(NOT_AFTER);
        assertThat(endpoint.getIssuer()).isEqualTo("CN=Scenario CA");
        assertThat(endpoint.isSelfSigned()).isFalse();
        assertThat(endpoint.getError()).isEmpty();
        assertThat(endpoint.getObservedAt()).isEqualTo(OBSERVED);
    }

    @Test
    void weakKeysAndSelfSignaturesAreReadFromTheCertificate() throws Exception {
        Path file = write("appliance.fail.tls", """
                host: appliance.example.org
                asset: Appliance-7
                port: 8443
                protocols: [TLSv1.2]
                negotiated_protocol: TLSv1.2
                cipher_suite: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
                certificate: |
                """ + indent(pem(selfSignedSha1.certificate())));

        ScenarioFacts facts = TlsScenario.read(file, "scenario-appliance", OBSERVED);

        TlsEndpoint endpoint = (TlsEndpoint) facts.evidence().get(new EvidenceKey("tls", "appliance-7", "scenario")).get(0);
        assertThat(endpoint.getEndpoint()).isEqualTo("appliance.example.org:8443");
        assertThat(endpoint.getKeyType()).isEqualTo("RSA");
        assertThat(endpoint.getKeySize()).isEqualTo(1024);
        assertThat(endpoint.getSignatureAlgorithm()).isEqualTo("SHA1withRSA");
        assertThat(endpoint.isSelfSigned()).isTrue();
    }

    @Test
    void anEndpointWithoutHandshakeKeepsTheVersionsItAccepted() throws Exception {
        Path file = write("printer.fail.tls", """
                host: printer.example.org
                port: 443
                protocols: [TLSv1]
                error: "handshake failed: protocol_version"
                """);

        TlsEndpoint endpoint = (TlsEndpoint) TlsScenario.read(file, "x", OBSERVED).evidence().values().iterator().next().get(0);

        assertThat(endpoint).isEqualTo(TlsProbe.failed(new TlsTarget("printer.example.org", "printer.example.org", 443),
                List.of("TLSv1"), "handshake failed: protocol_version", OBSERVED));
        assertThat(endpoint.getNotAfter()).isNull();
        assertThat(endpoint.getKeySize()).isZero();
    }

    @Test
    void anUnreachableEndpointNeedsNoProtocols() throws Exception {
        Path file = write("down.notapplicable.tls", "host: down.example.org\nport: 443\nerror: refused\n");

        TlsEndpoint endpoint = (TlsEndpoint) TlsScenario.read(file, "x", OBSERVED).evidence().values().iterator().next().get(0);

        assertThat(endpoint.getProtocols()).isEmpty();
        assertThat(endpoint.getError()).isEqualTo("refused");
    }

    // ---------------------------------------------------------------- rejected inputs

    @Test
    void aCertificateThatIsNotPemIsRejectedWithItsLine() throws Exception {
        Path file = write("bad.fail.tls", """
                host: web1
                port: 443
                protocols: [TLSv1.3]
                negotiated_protocol: TLSv1.3
                cipher_suite: TLS_AES_128_GCM_SHA256
                certificate: not a certificate
                """);

        assertThatThrownBy(() -> TlsScenario.read(file, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(file + ":6: 'certificate' is not a PEM X.509 certificate");
    }

    @Test
    void eitherACertificateOrAnErrorIsNeeded() throws Exception {
        Path neither = write("neither.fail.tls", "host: web1\nport: 443\nprotocols: [TLSv1.3]\n");
        assertThatThrownBy(() -> TlsScenario.read(neither, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("give either 'certificate'");

        Path both = write("both.fail.tls", "host: web1\nport: 443\nerror: refused\ncertificate: |\n" + indent(pem(leaf.certificate())));
        assertThatThrownBy(() -> TlsScenario.read(both, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("give either 'certificate'");
    }

    @Test
    void unknownFieldsBadPortsAndUnlistedNegotiatedVersionsAreRejected() throws Exception {
        Path unknown = write("unknown.fail.tls", "host: web1\nport: 443\nciphers: [x]\nerror: refused\n");
        assertThatThrownBy(() -> TlsScenario.read(unknown, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(unknown + ":3: unknown field 'ciphers'");

        Path port = write("port.fail.tls", "host: web1\nport: 70000\nerror: refused\n");
        assertThatThrownBy(() -> TlsScenario.read(port, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(port + ":2: port 70000 is not between 1 and 65535");

        Path negotiated = write("negotiated.fail.tls", "host: web1\nport: 443\nprotocols: [TLSv1.2]\nnegotiated_protocol: TLSv1.3\n"
                + "cipher_suite: TLS_AES_128_GCM_SHA256\ncertificate: |\n" + indent(pem(leaf.certificate())));
        assertThatThrownBy(() -> TlsScenario.read(negotiated, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(negotiated + ":4: negotiated protocol TLSv1.3 is not among the accepted protocols");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(temp.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private static String indent(String text) {
        return text.lines().map(line -> "  " + line + "\n").reduce("", String::concat);
    }
}
