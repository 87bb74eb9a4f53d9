package io.annexa.alerting;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server front that offers STARTTLS, upgrades the connection, and then hands the client over to a
 * plain SMTP server (GreenMail, which has no STARTTLS of its own): the client's second EHLO, its AUTH and the
 * message all travel inside TLS. One connection at a time, which is all a test needs.
 */
final class StartTlsFront implements AutoCloseable {

    private final ServerSocket listener;
    private final SSLContext tls;
    private final int backendPort;
    final AtomicInteger upgraded = new AtomicInteger();

    StartTlsFront(SSLContext tls, int backendPort) throws IOException {
        this.tls = tls;
        this.backendPort = backendPort;
        this.listener = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::serve, "starttls-front");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void serve() {
        while (!listener.isClosed()) {
            try (Socket client = listener.accept()) {
                handle(client);
            } catch (IOException e) {
                // the test ended the listener, or the client went away: the test's assertions tell which
            }
        }
    }

    private void handle(Socket client) throws IOException {
        client.setSoTimeout(10_000);
        OutputStream out = client.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        write(out, "220 localhost ESMTP starttls-front");
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.toUpperCase();
            if (command.startsWith("EHLO")) {
                write(out, "250-localhost");
                write(out, "250 STARTTLS");
            } else if (command.startsWith("STARTTLS")) {
                write(out, "220 2.0.0 ready to start TLS");
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, "localhost", client.getPort(), false);
                secure.setUseClientMode(false);
                secure.startHandshake();
                upgraded.incrementAndGet();
                relay(secure);
                return;
            } else if (command.startsWith("QUIT")) {
                write(out, "221 bye");
                return;
            } else {
                write(out, "530 5.7.0 must issue STARTTLS first");
            }
        }
    }

    /** Passes the encrypted session through to the plain server, whose own greeting the client already had. */
    private void relay(SSLSocket secure) throws IOException {
        try (Socket backend = new Socket(InetAddress.getByName("127.0.0.1"), backendPort)) {
            InputStream fromBackend = backend.getInputStream();
            BufferedReader greeting = new BufferedReader(new InputStreamReader(fromBackend, StandardCharsets.US_ASCII), 1);
            greeting.readLine();
            Thread up = new Thread(() -> copy(secure, backend), "starttls-front-up");
            up.setDaemon(true);
            up.start();
            copy(backend, secure);
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException | UnsupportedOperationException e) {
            // one side closed: the other copy ends too
        }
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
