package io.annexa.ingestion.tls;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.TlsEndpoint;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.ScenarioFacts;
import io.annexa.ingestion.scenario.ScenarioYaml;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Reads a TLS scenario: one probe observation written down as YAML, turned into a {@link TlsEndpoint} by the
 * same code that turns a real handshake into one ({@link TlsProbe#observed}, {@link TlsProbe#failed}), so
 * key type and size, signature algorithm and self-signedness come from the certificate itself.
 * <pre>
 * host: web1.example.org             # required
 * port: 443                          # required
 * asset: web1                        # optional; like a target without asset=, the host by default
 * protocols: [TLSv1.3, TLSv1.2]      # the versions the endpoint accepted
 * negotiated_protocol: TLSv1.3       # what the default handshake negotiated (with certificate)
 * cipher_suite: TLS_AES_256_GCM_SHA384
 * certificate: |                     # the leaf the endpoint presented, PEM
 *   -----BEGIN CERTIFICATE-----
 *   ...
 * error: "cannot connect to ..."     # instead of certificate: no handshake succeeded
 * </pre>
 */
public final class TlsScenario {

    private static final Set<String> FIELDS = Set.of("host", "port", "asset", "protocols", "negotiated_protocol",
            "cipher_suite", "certificate", "error");

    private TlsScenario() {
    }

    public static ScenarioFacts read(Path path, String asset, Instant observedAt) throws InvalidInputException {
        ScenarioYaml yaml = ScenarioYaml.read(path, FIELDS);
        String host = yaml.requiredText("host").strip();
        String portText = yaml.requiredText("port").strip();
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw yaml.problem("port", "port '" + portText + "' is not a number");
        }
        TlsTarget target;
        try {
            target = new TlsTarget(yaml.text("asset").orElse(host), host, port);
        } catch (IllegalArgumentException e) {
            throw yaml.problem("port", e.getMessage());
        }
        List<String> protocols = yaml.texts("protocols");

        TlsEndpoint endpoint;
        if (yaml.has("error") == yaml.has("certificate")) {
            throw yaml.problem("certificate", "give either 'certificate' (a handshake succeeded) or 'error' (none did)");
        } else if (yaml.has("error")) {
            for (String field : List.of("negotiated_protocol", "cipher_suite")) {
                if (yaml.has(field)) {
                    throw yaml.problem(field, "'" + field + "' belongs to a successful handshake, not to one with 'error'");
                }
            }
            endpoint = TlsProbe.failed(target, protocols, yaml.requiredText("error"), observedAt);
        } else {
            String negotiated = yaml.requiredText("negotiated_protocol").strip();
            if (!protocols.contains(negotiated)) {
                throw yaml.problem("negotiated_protocol", "negotiated protocol " + negotiated
                        + " is not among the accepted protocols " + protocols);
            }
            endpoint = TlsProbe.observed(target, protocols, negotiated, yaml.requiredText("cipher_suite").strip(),
                    certificate(yaml), observedAt);
        }
        return ScenarioFacts.of(new EvidenceKey(TlsProbe.SOURCE, endpoint.asset(), "scenario"), List.of(endpoint));
    }

    private static X509Certificate certificate(ScenarioYaml yaml) throws InvalidInputException {
        String pem = yaml.requiredText("certificate");
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | ClassCastException e) {
            throw yaml.problem("certificate", "'certificate' is not a PEM X.509 certificate: " + e.getMessage());
        }
    }
}
