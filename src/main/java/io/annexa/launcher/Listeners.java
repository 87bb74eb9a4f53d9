package io.annexa.launcher;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Annexa listens, and nothing more: the HTTP listener on {@code annexa.http.host} (loopback unless
 * told otherwise), optionally HTTPS with the operator's own keystore, no data grid (Payara Micro
 * otherwise opens port 6900 for Hazelcast even with clustering off), and no server endpoints that
 * bypass access control (metrics, OpenAPI).
 *
 * <p>The listener address and TLS switches are asadmin {@code set} commands run before boot; the
 * keystore is given to the JVM as the standard {@code javax.net.ssl.*} properties, set inside the process
 * so the password never appears on a command line.
 */
final class Listeners {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final String DEFAULT_TLS_PORT = "8443";
    private static final String LISTENERS = "configs.config.server-config.network-config.network-listeners.network-listener.";
    private static final String PROTOCOLS = "configs.config.server-config.network-config.protocols.protocol.";

    /**
     * Payara Micro's own endpoints besides health: MicroProfile Metrics ({@code /metrics}) and OpenAPI
     * ({@code /openapi}) would answer anyone, outside Annexa's access control. They can only be switched
     * off once the server has booted.
     */
    static final List<String> POST_BOOT_COMMANDS = List.of(
            "set-metrics-configuration --enabled=false",
            "set-openapi-configuration --enabled=false");

    /** Options for Payara Micro's command line, commands for its pre- and post-boot files, properties for this JVM. */
    record Plan(List<String> options, List<String> preBootCommands, List<String> postBootCommands, Map<String, String> systemProperties) {
    }

    private Listeners() {
    }

    static Plan plan(LauncherSettings settings) {
        List<String> options = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        String host = address(settings.get("annexa.http.host").orElse(DEFAULT_HOST));
        commands.add("set " + LISTENERS + "http-listener.address=" + host);
        Optional<String> keystore = settings.get("annexa.http.tls.keystore");
        if (keystore.isPresent()) {
            Path file = Path.of(keystore.get()).toAbsolutePath();
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("annexa.http.tls.keystore: '" + file + "' is not a readable file");
            }
            String password = settings.get("annexa.http.tls.keystore-password").orElseThrow(() -> new IllegalArgumentException(
                    "annexa.http.tls.keystore is set, so annexa.http.tls.keystore-password (ANNEXA_HTTP_TLS_KEYSTORE_PASSWORD) must be too"));
            String port = settings.get("annexa.http.tls.port").orElse(DEFAULT_TLS_PORT);
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("annexa.http.tls.port: '" + port + "' is not a TCP port number (1-65535)");
            }
            options.add("--sslport");
            options.add(port);
            settings.get("annexa.http.tls.alias").ifPresent(alias -> {
                options.add("--sslcert");
                options.add(alias);
            });
            commands.add("set " + LISTENERS + "https-listener.address=" + host);
            // TLS 1.2 and 1.3 only: the container's defaults still allow older protocols on some JDKs
            commands.add("set " + PROTOCOLS + "https-listener.ssl.tls-enabled=false");
            commands.add("set " + PROTOCOLS + "https-listener.ssl.tls11-enabled=false");
            if (settings.get("annexa.http.tls.only").map(Boolean::parseBoolean).orElse(false)) {
                commands.add("set " + LISTENERS + "http-listener.enabled=false");
            }
            properties.put("javax.net.ssl.keyStore", file.toString());
            properties.put("javax.net.ssl.keyStorePassword", password);
            properties.put("javax.net.ssl.keyStoreType", file.toString().endsWith(".jks") ? "JKS" : "PKCS12");
        }
        return new Plan(options, commands, POST_BOOT_COMMANDS, properties);
    }

    private static String address(String host) {
        try {
            // an IP literal or a name this machine can resolve; a typo fails here, not as a silent bind to all interfaces
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("annexa.http.host: '" + host + "' is not an address or a name of this machine", e);
        }
    }
}
