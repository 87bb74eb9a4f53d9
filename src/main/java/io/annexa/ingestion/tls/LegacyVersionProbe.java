package io.annexa.ingestion.tls;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Tells whether an endpoint accepts TLS 1.0 or 1.1, which the JDK's own client cannot offer: SunJSSE applies
 * {@code jdk.tls.disabledAlgorithms} to every socket (per-socket {@code SSLParameters.setAlgorithmConstraints}
 * can only add restrictions, never lift these), and that property is read once for the whole JVM.
 * Relaxing it would weaken every other TLS connection Annexa makes.
 *
 * <p>So this probe writes the ClientHello itself and reads only as far as the ServerHello: a server that
 * answers with the offered version accepts it; an alert, a different version or a closed connection means
 * it does not. No keys are exchanged and nothing is trusted or sent after the hello.
 */
final class LegacyVersionProbe {

    enum Version {
        TLS_1_1("TLSv1.1", 0x02),
        TLS_1_0("TLSv1", 0x01);

        final String protocol;
        final int minor;

        Version(String protocol, int minor) {
            this.protocol = protocol;
            this.minor = minor;
        }
    }

    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_HELLO = 2;
    private static final int MAX_RECORD = 16384 + 2048;
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    // What a TLS 1.0/1.1 server can choose from: with too narrow an offer a server that accepts the version
    // would still refuse us for want of a common cipher, and we would report the version as not accepted.
    private static final int[] CIPHER_SUITES = {
        0xC014, 0xC013, 0xC00A, 0xC009,   // ECDHE_RSA / ECDHE_ECDSA with AES_256/128_CBC_SHA
        0x0039, 0x0033,                   // DHE_RSA with AES_256/128_CBC_SHA
        0x0035, 0x002F,                   // RSA with AES_256/128_CBC_SHA
        0x0084, 0x0041,                   // RSA with CAMELLIA_256/128_CBC_SHA
        0xC012, 0x0016, 0x000A,           // 3DES_EDE_CBC_SHA with ECDHE_RSA, DHE_RSA, RSA
        0x0005, 0x0004,                   // RSA with RC4_128_SHA, RC4_128_MD5
        0x00FF,                           // renegotiation SCSV, which some servers insist on
    };
    private static final int[] NAMED_GROUPS = {0x001D, 0x0017, 0x0018, 0x0019}; // x25519, secp256r1/384r1/521r1

    private final int timeoutMillis;
    private final SecureRandom random = new SecureRandom();

    LegacyVersionProbe(Duration timeout) {
        this.timeoutMillis = Math.toIntExact(timeout.toMillis());
    }

    boolean accepts(InetAddress address, String host, int port, Version version) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(clientHello(host, version));
            out.flush();
            return answeredWith(new DataInputStream(socket.getInputStream()), version);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean answeredWith(DataInputStream in, Version version) throws IOException {
        int contentType = in.readUnsignedByte();
        in.readUnsignedShort(); // record version: servers vary, the ServerHello's own version is the answer
        int length = in.readUnsignedShort();
        if (contentType != HANDSHAKE || length < 6 || length > MAX_RECORD) {
            return false;
        }
        byte[] record = new byte[length];
        in.readFully(record);
        return record[0] == SERVER_HELLO && record[4] == 3 && record[5] == version.minor;
    }

    private byte[] clientHello(String host, Version version) {
        Bytes hello = new Bytes();
        hello.u8(3).u8(version.minor);
        byte[] clientRandom = new byte[32];
        random.nextBytes(clientRandom);
        hello.raw(clientRandom);
        hello.u8(0); // no session to resume
        hello.u16(CIPHER_SUITES.length * 2);
        for (int suite : CIPHER_SUITES) {
            hello.u16(suite);
        }
        hello.u8(1).u8(0); // null compression only
        byte[] extensions = extensions(host);
        hello.u16(extensions.length).raw(extensions);

        byte[] body = hello.toByteArray();
        Bytes handshake = new Bytes().u8(CLIENT_HELLO).u24(body.length).raw(body);
        byte[] message = handshake.toByteArray();
        // Record version 1.0 whatever we offer: the compatible choice for old and new servers alike.
        return new Bytes().u8(HANDSHAKE).u8(3).u8(1).u16(message.length).raw(message).toByteArray();
    }

    private static byte[] extensions(String host) {
        Bytes extensions = new Bytes();
        if (!IP_LITERAL.matcher(host).matches()) {
            // Name-based virtual hosts pick their certificate and settings by SNI.
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            extensions.u16(0x0000).u16(name.length + 5).u16(name.length + 3).u8(0).u16(name.length).raw(name);
        }
        // Without supported groups and point formats an ECDHE-only server has nothing to negotiate.
        extensions.u16(0x000A).u16(NAMED_GROUPS.length * 2 + 2).u16(NAMED_GROUPS.length * 2);
        for (int group : NAMED_GROUPS) {
            extensions.u16(group);
        }
        extensions.u16(0x000B).u16(2).u8(1).u8(0);
        return extensions.toByteArray();
    }

    /** Big-endian writer for the hello's fixed-width fields. */
    private static final class Bytes extends ByteArrayOutputStream {

        Bytes u8(int value) {
            write(value);
            return this;
        }

        Bytes u16(int value) {
            return u8(value >>> 8 & 0xFF).u8(value & 0xFF);
        }

        Bytes u24(int value) {
            return u8(value >>> 16 & 0xFF).u16(value & 0xFFFF);
        }

        Bytes raw(byte[] bytes) {
            write(bytes, 0, bytes.length);
            return this;
        }
    }
}
