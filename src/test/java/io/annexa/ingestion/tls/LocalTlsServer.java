package io.annexa.ingestion.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A real TLS server on 127.0.0.1 and a free port: accepts connections one after the other on a background
 * thread and completes (or fails) each handshake, then hangs up. Protocols and cipher suites are pinned so
 * tests can expect exact negotiation results. JDK classes only: it also runs in a child JVM.
 */
final class LocalTlsServer implements AutoCloseable {

    private final SSLServerSocket server;
    private final Thread acceptor;

    LocalTlsServer(KeyStore keyStore, char[] password, List<String> protocols, List<String> cipherSuites) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SSLParameters parameters = server.getSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        parameters.setCipherSuites(cipherSuites.toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
        server.setSSLParameters(parameters);
        acceptor = new Thread(this::serve, "tls-test-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                client.setSoTimeout(10_000);
                ((SSLSocket) client).startHandshake();
            } catch (IOException e) {
                // A refused handshake is what some probes are meant to provoke; keep serving.
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(10_000);
    }
}
