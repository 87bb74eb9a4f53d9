package io.annexa.ingestion.tls;

import io.annexa.evidence.TlsEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Looks at a TLS endpoint the way an auditor would: which protocol versions it accepts, what a default
 * handshake negotiates, and the certificate it presents. An endpoint that cannot be reached is recorded
 * with {@code error} set, because "down" is evidence too; this class does not throw for network trouble.
 *
 * <p>Versions: TLSv1.3 and TLSv1.2 are each tried with a real JDK handshake with only that version enabled.
 * TLSv1.1 and TLSv1 cannot be offered by the JDK's client while {@code jdk.tls.disabledAlgorithms} lists
 * them (the default), and that property is JVM-wide; rather than weaken every TLS connection of the
 * process, they are detected by {@link LegacyVersionProbe}, which sends its own ClientHello and reads only
 * the ServerHello. A version reported there was offered by the server, not used for a full handshake.
 *
 * <p>Each connection gets the timeout for connecting and again for every read of its handshake, so one
 * unresponsive target costs at most a few timeouts. An unreachable endpoint is not tried further.
 */
public final class TlsProbe {

    public static final String SOURCE = "tls";
    private static final List<String> JDK_VERSIONS = List.of("TLSv1.3", "TLSv1.2");

    private final int timeoutMillis;
    private final SSLSocketFactory sockets;
    private final LegacyVersionProbe legacy;

    public TlsProbe(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        this.timeoutMillis = Math.toIntExact(timeout.toMillis());
        this.sockets = observingContext().getSocketFactory();
        this.legacy = new LegacyVersionProbe(timeout);
    }

    public TlsEndpoint probe(TlsTarget target) {
        Instant observedAt = Instant.now();
        String host = target.host();
        int port = target.port();
        InetAddress address;
        try {
            // Resolved once, so every attempt below talks to the same machine.
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return unreachable(target, "unknown host: " + host, observedAt);
        }

        Handshake handshake;
        String error = "";
        try (Socket plain = connect(address, port)) {
            handshake = handshake(plain, host, port, null);
        } catch (ConnectFailed e) {
            return unreachable(target, "cannot connect to " + target.endpoint() + ": " + message(e.getCause()), observedAt);
        } catch (IOException e) {
            // Reachable but no default handshake: it may still speak only legacy versions, so go on.
            handshake = null;
            error = "handshake failed: " + message(e);
        }

        List<String> protocols = new ArrayList<>();
        for (String version : JDK_VERSIONS) {
            if (acceptsWithJdk(address, host, port, version)) {
                protocols.add(version);
            }
        }
        for (LegacyVersionProbe.Version version : LegacyVersionProbe.Version.values()) {
            if (legacy.accepts(address, host, port, version)) {
                protocols.add(version.protocol);
            }
        }

        if (handshake == null) {
            return failed(target, protocols, error, observedAt);
        }
        return observed(target, protocols, handshake.protocol(), handshake.cipherSuite(), handshake.leaf(), observedAt);
    }

    /**
     * What a successful handshake shows about an endpoint; also how TLS scenarios, which describe a handshake
     * with its certificate as PEM, become the same fact.
     *
     * @param protocols the versions the endpoint accepted
     * @param protocol  the version the default handshake negotiated
     * @param leaf      the certificate the endpoint presented
     */
    static TlsEndpoint observed(TlsTarget target, List<String> protocols, String protocol, String cipherSuite,
                                X509Certificate leaf, Instant observedAt) {
        PublicKey key = leaf.getPublicKey();
        return new TlsEndpoint(target.asset(), SOURCE, target.host(), target.port(), protocols, protocol, cipherSuite,
                leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(),
                leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), keyType(key), keySize(key),
                leaf.getSigAlgName(), selfSigned(leaf), "", observedAt);
    }

    /**
     * An endpoint with which no handshake succeeded: unreachable, or reachable but refusing the default
     * handshake (it may still have accepted legacy {@code protocols}).
     */
    static TlsEndpoint failed(TlsTarget target, List<String> protocols, String error, Instant observedAt) {
        return new TlsEndpoint(target.asset(), SOURCE, target.host(), target.port(), protocols, "", "", "", "", null, null,
                "", 0, "", false, error, observedAt);
    }

    private record Handshake(String protocol, String cipherSuite, X509Certificate leaf) {
    }

    /** Marks a failure to open the TCP connection, as opposed to a failure of TLS on top of it. */
    private static final class ConnectFailed extends IOException {
        ConnectFailed(IOException cause) {
            super(cause);
        }
    }

    private Socket connect(InetAddress address, int port) throws ConnectFailed {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new ConnectFailed(e);
        }
    }

    /** @param onlyVersion the single protocol to enable, or null for the JDK's defaults */
    private Handshake handshake(Socket plain, String host, int port, String onlyVersion) throws IOException {
        // Layered over our own socket so the host name still goes out as SNI and the connect timeout holds.
        try (SSLSocket tls = (SSLSocket) sockets.createSocket(plain, host, port, true)) {
            if (onlyVersion != null) {
                tls.setEnabledProtocols(new String[] {onlyVersion});
            }
            tls.startHandshake();
            SSLSession session = tls.getSession();
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                throw new IOException("the server presented no X.509 certificate");
            }
            return new Handshake(session.getProtocol(), session.getCipherSuite(), leaf);
        }
    }

    private boolean acceptsWithJdk(InetAddress address, String host, int port, String version) {
        try (Socket plain = connect(address, port)) {
            return version.equals(handshake(plain, host, port, version).protocol());
        } catch (IOException e) {
            return false;
        }
    }

    private static TlsEndpoint unreachable(TlsTarget target, String error, Instant observedAt) {
        return failed(target, List.of(), error, observedAt);
    }

    /** RSA, RSASSA-PSS, EC, DSA, or the curve name for EdDSA keys (Ed25519, Ed448). */
    static String keyType(PublicKey key) {
        if (key instanceof EdECPublicKey ed) {
            return ed.getParams().getName();
        }
        return key.getAlgorithm();
    }

    /** RSA/DSA: modulus bits; EC: field size; EdDSA: the curve's field size (255 for Ed25519, 448 for Ed448). */
    static int keySize(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        if (key instanceof DSAPublicKey dsa) {
            return dsa.getParams().getP().bitLength();
        }
        if (key instanceof EdECPublicKey ed) {
            return "Ed448".equalsIgnoreCase(ed.getParams().getName()) ? 448 : 255;
        }
        return 0;
    }

    /** Same name on both sides is not enough: the certificate must also verify with its own key. */
    static boolean selfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String message(Throwable e) {
        return Optional.ofNullable(e.getMessage()).filter(m -> !m.isBlank()).orElse(e.getClass().getSimpleName());
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing was sent on it
        }
    }

    /**
     * A context that accepts any certificate. We observe, we do not trust: an expired or self-signed
     * certificate is exactly what the probe must be able to record, and nothing is sent over these
     * connections. The context is private to the probe and never becomes the JVM default.
     */
    private static SSLContext observingContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AcceptAnyCertificate()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context", e);
        }
    }

    /**
     * Extended, not plain X509TrustManager: the JDK wraps a plain one with extra algorithm checks, which
     * would refuse exactly the weak certificates we are here to report.
     */
    private static final class AcceptAnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
