package io.annexa.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a TLS endpoint offered when probed: the protocol versions it accepted, the cipher suite it
 * negotiated by default and its certificate. {@code error} is set (and the rest mostly empty) when
 * no handshake succeeded.
 */
public record TlsEndpoint(String asset, String source, String host, int port, List<String> protocols,
                          String negotiatedProtocol, String cipherSuite, String subject, String issuer,
                          Instant notBefore, Instant notAfter, String keyType, int keySize,
                          String signatureAlgorithm, boolean selfSigned, String error, Instant observedAt) {

    public TlsEndpoint {
        asset = AssetNames.normalize(asset);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(host, "host");
        protocols = List.copyOf(protocols);
        negotiatedProtocol = negotiatedProtocol == null ? "" : negotiatedProtocol;
        cipherSuite = cipherSuite == null ? "" : cipherSuite;
        subject = subject == null ? "" : subject;
        issuer = issuer == null ? "" : issuer;
        keyType = keyType == null ? "" : keyType;
        signatureAlgorithm = signatureAlgorithm == null ? "" : signatureAlgorithm;
        error = error == null ? "" : error;
        Objects.requireNonNull(observedAt, "observedAt");
    }

    public String getAsset() { return asset; }
    public String getSource() { return source; }
    public String getHost() { return host; }
    public int getPort() { return port; }
    public List<String> getProtocols() { return protocols; }
    public String getNegotiatedProtocol() { return negotiatedProtocol; }
    public String getCipherSuite() { return cipherSuite; }
    public String getSubject() { return subject; }
    public String getIssuer() { return issuer; }
    public Instant getNotBefore() { return notBefore; }
    public Instant getNotAfter() { return notAfter; }
    public String getKeyType() { return keyType; }
    public int getKeySize() { return keySize; }
    public String getSignatureAlgorithm() { return signatureAlgorithm; }
    public boolean isSelfSigned() { return selfSigned; }
    public String getError() { return error; }
    public Instant getObservedAt() { return observedAt; }

    /** {@code host:port}, how operators name an endpoint. */
    public String getEndpoint() {
        return host + ":" + port;
    }
}
