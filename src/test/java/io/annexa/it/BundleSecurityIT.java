package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle as an operator runs it on a host it must protect: HTTPS with the operator's own
 * certificate, the register on PostgreSQL with a password, no settings for credentials on the command
 * line. Checked from outside, as an attacker or auditor would: which ports the processes listen on,
 * and whether any secret shows up in the log or in API answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundleSecurityIT {

    private static final Duration START_DEADLINE = Duration.ofMinutes(4);
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String KEYSTORE_PASSWORD = "keystore-secret-" + UUID.randomUUID();
    /** PostgreSQL here trusts local connections, so any password works, and it must still never be shown. */
    private static final String DB_PASSWORD = "db-secret-" + UUID.randomUUID();
    private static final String USER_PASSWORD = "user-secret-" + UUID.randomUUID();

    @TempDir
    static Path work;

    private Process annexa;
    private final String schema = "annexa_bundle_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    private int httpPort;
    private int httpsPort;
    private X509Certificate certificate;
    private Path log;

    @BeforeAll
    void start() throws Exception {
        execute("create schema " + schema);
        Path keystore = keystore();
        httpPort = BundleFiles.freePort();
        httpsPort = BundleFiles.freePort();
        Path data = Files.createDirectories(work.resolve("data"));
        log = work.resolve("annexa.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("annexa.bundle"));
        builder.environment().put("ANNEXA_PORT", Integer.toString(httpPort));
        builder.environment().put("ANNEXA_HTTP_HOST", "127.0.0.1");
        builder.environment().put("ANNEXA_HTTP_TLS_KEYSTORE", keystore.toString());
        builder.environment().put("ANNEXA_HTTP_TLS_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD);
        builder.environment().put("ANNEXA_HTTP_TLS_PORT", Integer.toString(httpsPort));
        builder.environment().put("ANNEXA_DATA", data.toString());
        builder.environment().put("ANNEXA_DB_URL", POSTGRES + "?currentSchema=" + schema);
        builder.environment().put("ANNEXA_DB_USER", "postgres");
        builder.environment().put("ANNEXA_DB_PASSWORD", DB_PASSWORD);
        builder.environment().put("ANNEXA_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -Djava.io.tmpdir=" + work);
        builder.directory(work.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        annexa = builder.start();
        AnnexaClient plain = new AnnexaClient(URI.create("http://127.0.0.1:" + httpPort + "/"));
        await().atMost(START_DEADLINE).pollInterval(Duration.ofMillis(500)).until(plain::healthy);
    }

    @AfterAll
    void stop() throws Exception {
        if (annexa != null && annexa.isAlive()) {
            annexa.destroy();
            if (!annexa.waitFor(60, TimeUnit.SECONDS)) {
                annexa.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        execute("drop schema if exists " + schema + " cascade");
    }

    @Test
    void onlyTheHttpAndHttpsPortsAreOpenAndOnlyOnTheConfiguredAddress() throws IOException {
        Set<String> listening = new HashSet<>();
        Stream.concat(Stream.of(annexa.toHandle()), annexa.descendants()).forEach(p -> listening.addAll(listeningSockets(p.pid())));

        assertThat(listening).containsExactlyInAnyOrder("127.0.0.1:" + httpPort, "127.0.0.1:" + httpsPort);
    }

    @Test
    void httpsServesTheApiWithTheOperatorsCertificate() throws Exception {
        String password = Files.readString(work.resolve("data/initial-admin-password")).strip();

        AnnexaClient api = new AnnexaClient(URI.create("https://127.0.0.1:" + httpsPort + "/"), AnnexaClient.basic("admin", password), https());

        assertThat(api.get("api/controls").status()).isEqualTo(200);
        assertThat(api.anonymous().get("api/controls").status()).isEqualTo(401);
        // the server's own endpoints would bypass access control: only health answers strangers
        assertThat(api.anonymous().get("health").status()).isEqualTo(200);
        assertThat(api.anonymous().get("metrics").status()).isIn(403, 404);
        assertThat(api.anonymous().get("openapi").status()).isIn(403, 404);
    }

    @Test
    void aSessionOverHttpsHasASecureHostOnlyCookieThatPlainHttpDoesNotTake() throws Exception {
        String password = Files.readString(work.resolve("data/initial-admin-password")).strip();
        AnnexaClient browser = new AnnexaClient(URI.create("https://127.0.0.1:" + httpsPort + "/"), null, https());

        AnnexaClient.Reply signedIn = browser.request("POST", "api/session", "{\"username\":\"admin\",\"password\":\"" + password + "\"}",
                "application/json");

        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(cookie).matches("__Host-annexa-session=[A-Za-z0-9_-]{43}");
        assertThat(Stream.of(setCookie.split(";")).skip(1).map(a -> a.strip().toLowerCase(Locale.ROOT)).toList())
                .contains("secure", "httponly", "samesite=strict", "path=/").noneMatch(a -> a.startsWith("domain="));
        String csrf = signedIn.json().asJsonObject().getString("csrfToken");
        assertThat(browser.request("GET", "api/controls", null, null, "Cookie", cookie).status()).isEqualTo(200);
        AnnexaClient plain = new AnnexaClient(URI.create("http://127.0.0.1:" + httpPort + "/"), null);
        assertThat(plain.request("GET", "api/controls", null, null, "Cookie", cookie).status()).isEqualTo(401);
        assertThat(browser.request("DELETE", "api/session", null, null, "Cookie", cookie, "X-CSRF-Token", csrf).status()).isEqualTo(204);
        assertThat(browser.request("GET", "api/controls", null, null, "Cookie", cookie).status()).isEqualTo(401);

        String logText = Files.readString(log);
        assertThat(logText).contains("admin signed in to a session").doesNotContain(cookie.substring(cookie.indexOf('=') + 1)).doesNotContain(csrf);
    }

    private HttpClient https() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("annexa", certificate);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trustManagers.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void noSecretAppearsInTheLogOrInApiAnswers() throws Exception {
        String password = Files.readString(work.resolve("data/initial-admin-password")).strip();
        AnnexaClient admin = new AnnexaClient(URI.create("http://127.0.0.1:" + httpPort + "/"), AnnexaClient.basic("admin", password));
        assertThat(admin.post("api/users", "{\"name\":\"sam\",\"password\":\"" + USER_PASSWORD + "\",\"role\":\"auditor\"}").status()).isEqualTo(201);
        String token = admin.as("sam", USER_PASSWORD).post("api/tokens", "{\"name\":\"export job\"}").json().asJsonObject().getString("token");
        AnnexaClient sam = admin.withToken(token);
        List<String> answers = new ArrayList<>();
        for (String path : List.of("api/users", "api/tokens", "api/sources", "api/rules", "api/nonconformities", "api/soa?format=csv", "api/soa?format=xml")) {
            answers.add(admin.get(path).body());
            answers.add(sam.get(path).body());
        }
        admin.as("sam", "a wrong password for sam").get("api/controls");
        admin.put("api/users/sam", "{\"password\":\"" + USER_PASSWORD + "-changed\"}");

        String logText = Files.readString(log);
        String answered = String.join("\n", answers);
        for (String secret : List.of(KEYSTORE_PASSWORD, DB_PASSWORD, USER_PASSWORD, token, "a wrong password for sam")) {
            assertThat(logText).as("the log").doesNotContain(secret);
            assertThat(answered).as("API answers").doesNotContain(secret);
        }
        assertThat(answered).doesNotContain("pbkdf2");
        // the generated first password is printed exactly once, by design, so the operator can sign in
        assertThat(occurrences(logText, password)).isEqualTo(1);
        assertThat(logText).contains("sam created API token").contains("admin changed user sam: password");
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    /** The TCP sockets a process listens on, as address:port, read from /proc (Linux). */
    private static Set<String> listeningSockets(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Matcher m = Pattern.compile("socket:\\[(\\d+)]").matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (IOException gone) {
                    // the descriptor closed while listing
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        Set<String> result = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                        result.add(address(f[1]));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/" + pid + "/net/" + table, e);
            }
        }
        return result;
    }

    /** /proc/net/tcp's hex "0100007F:1F90" (or the IPv6 form, v4-mapped or not) as "127.0.0.1:8080". */
    private static String address(String hex) {
        String[] parts = hex.split(":");
        String ip = parts[0];
        int port = Integer.parseInt(parts[1], 16);
        if (ip.length() == 32 && ip.startsWith("0000000000000000FFFF0000")) {
            ip = ip.substring(24);
        }
        if (ip.length() == 8) {
            return Integer.parseInt(ip.substring(6, 8), 16) + "." + Integer.parseInt(ip.substring(4, 6), 16) + "."
                    + Integer.parseInt(ip.substring(2, 4), 16) + "." + Integer.parseInt(ip.substring(0, 2), 16) + ":" + port;
        }
        return "[" + ip + "]:" + port;
    }

    private Path keystore() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        X500Principal subject = new X500Principal("CN=annexa.test");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        certificate = new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("s1as", keys.getPrivate(), KEYSTORE_PASSWORD.toCharArray(), new Certificate[] {certificate});
        Path file = work.resolve("annexa.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, KEYSTORE_PASSWORD.toCharArray());
        }
        return file;
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
