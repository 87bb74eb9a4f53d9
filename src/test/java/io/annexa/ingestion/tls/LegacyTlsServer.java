package io.annexa.ingestion.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Security;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link LocalTlsServer} that also accepts TLSv1 and TLSv1.1, run in a child JVM. The JDK disables those
 * versions JVM-wide through {@code jdk.tls.disabledAlgorithms}; only the child gets a security-properties
 * override that re-enables them, so the test JVM (and the probe under test) keep the defaults.
 */
final class LegacyTlsServer implements AutoCloseable {

    private final Process process;
    private final int port;

    LegacyTlsServer(TestCertificates.Issued identity, List<String> protocols, List<String> cipherSuites, Path folder) throws Exception {
        char[] password = "changeit".toCharArray();
        Files.createDirectories(folder);
        Path keyStore = folder.resolve("legacy-server.p12");
        try (OutputStream out = Files.newOutputStream(keyStore)) {
            identity.keyStore(password).store(out, password);
        }
        Path security = Files.writeString(folder.resolve("legacy.java.security"),
                "jdk.tls.disabledAlgorithms=" + withoutLegacyVersions(Security.getProperty("jdk.tls.disabledAlgorithms")) + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(LegacyTlsServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        process = new ProcessBuilder(java, "-Djava.security.properties=" + security, "-cp", classes,
                LegacyTlsServer.class.getName(), keyStore.toString(), new String(password),
                String.join(",", protocols), String.join(",", cipherSuites))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
        if (line == null || !line.startsWith("port=")) {
            process.destroyForcibly();
            throw new IllegalStateException("legacy TLS server did not start: " + line);
        }
        port = Integer.parseInt(line.substring("port=".length()));
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close(); // the child's cue to stop
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    static String withoutLegacyVersions(String disabled) {
        return Arrays.stream(disabled.split(",")).map(String::strip)
                .filter(a -> !a.equals("TLSv1") && !a.equals("TLSv1.1"))
                .collect(Collectors.joining(", "));
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    /** Child side: args are the PKCS#12 file, its password, the protocols and the cipher suites (comma-separated). */
    public static void main(String[] args) throws Exception {
        char[] password = args[1].toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            store.load(in, password);
        }
        try (LocalTlsServer server = new LocalTlsServer(store, password, List.of(args[2].split(",")), List.of(args[3].split(",")))) {
            System.out.println("port=" + server.port());
            System.out.flush();
            InputStream parent = System.in;
            while (parent.read() != -1) {
                // wait until the parent closes our stdin (or dies)
            }
        }
    }
}
