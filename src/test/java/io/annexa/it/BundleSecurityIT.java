package io.annexa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.annexa.testing.WebhookReceiver;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * The bundle as an operator runs it on a host it must protect: HTTPS with the operator's own certificate, on the one
 * address it is told (127.0.0.2: Linux routes all of 127/8 to the loopback interface, so a listener left on 127.0.0.1
 * or on every address would show), the syslog receiver on too, the register on PostgreSQL with a password, alerts
 * going to a signed webhook and through an SMTP server that wants a login, no credentials on the command line. Checked
 * from outside, as an attacker or auditor would: which sockets the processes listen on, and whether any secret shows
 * up in the log or in any API answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundleSecurityIT {

    private static final Duration START_DEADLINE = Duration.ofMinutes(4);
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Not 127.0.0.1, where Payara Micro would listen by itself. */
    private static final String HOST = "127.0.0.2";
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String KEYSTORE_PASSWORD = "keystore-secret-" + UUID.randomUUID();
    /** PostgreSQL here trusts local connections, so any password works, and it must still never be shown. */
    private static final String DB_PASSWORD = "db-secret-" + UUID.randomUUID();
    private static final String USER_PASSWORD = "user-secret-" + UUID.randomUUID();
    private static final String SMTP_USER = "annexa-alerts";
    /** Set in the environment, as config/annexa.properties asks; the test's SMTP server expects another, so the login fails. */
    private static final String SMTP_PASSWORD = "smtp-secret-" + UUID.randomUUID();
    private static final String SAMPLE_HOST = "web-01.sample";

    @TempDir
    static Path work;

    private Process annexa;
    private final String schema = "annexa_bundle_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    private int httpPort;
    private int httpsPort;
    private int syslogPort;
    private X509Certificate certificate;
    private Path log;
    private Path home;
    private WebhookReceiver receiver;
    private GreenMail smtp;

    @BeforeAll
    void start() throws Exception {
        execute("create schema " + schema);
        receiver = new WebhookReceiver(true);
        smtp = new GreenMail(ServerSetup.dynamicPort(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)}));
        smtp.start();
        smtp.setUser("annexa-alerts@example.org", SMTP_USER, "not the password Annexa has");
        home = home();
        Path keystore = keystore();
        httpPort = freePort();
        httpsPort = freePort();
        syslogPort = freePort();
        Path data = Files.createDirectories(work.resolve("data"));
        log = work.resolve("annexa.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("annexa.bundle"));
        Map<String, String> env = builder.environment();
        env.put("ANNEXA_HOME", home.toString());
        env.put("ANNEXA_PORT", Integer.toString(httpPort));
        env.put("ANNEXA_HTTP_HOST", HOST);
        env.put("ANNEXA_HTTP_TLS_KEYSTORE", keystore.toString());
        env.put("ANNEXA_HTTP_TLS_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD);
        env.put("ANNEXA_HTTP_TLS_PORT", Integer.toString(httpsPort));
        env.put("ANNEXA_DATA", data.toString());
        env.put("ANNEXA_DB_URL", POSTGRES + "?currentSchema=" + schema);
        env.put("ANNEXA_DB_USER", "postgres");
        env.put("ANNEXA_DB_PASSWORD", DB_PASSWORD);
        // MicroProfile Config's environment names of annexa.alerts.smtp.*, annexa.sources.syslog.*
        env.put("ANNEXA_ALERTS_SMTP_HOST", "127.0.0.1");
        env.put("ANNEXA_ALERTS_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()));
        env.put("ANNEXA_ALERTS_SMTP_SECURITY", "none");
        env.put("ANNEXA_ALERTS_SMTP_USERNAME", SMTP_USER);
        env.put("ANNEXA_ALERTS_SMTP_PASSWORD", SMTP_PASSWORD);
        env.put("ANNEXA_ALERTS_SMTP_FROM", "Annexa <annexa@example.org>");
        env.put("ANNEXA_ALERTS_RELOAD_MS", "500");
        env.put("ANNEXA_ALERTS_POLL_INTERVAL", "250ms");
        env.put("ANNEXA_SOURCES_SYSLOG_ENABLED", "true");
        env.put("ANNEXA_SOURCES_SYSLOG_HOST", HOST);
        env.put("ANNEXA_SOURCES_SYSLOG_PORT", Integer.toString(syslogPort));
        env.put("ANNEXA_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -Djava.io.tmpdir=" + work);
        builder.directory(work.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        annexa = builder.start();
        AnnexaClient plain = new AnnexaClient(URI.create("http://" + HOST + ":" + httpPort + "/"));
        await().atMost(START_DEADLINE).pollInterval(Duration.ofMillis(500)).alias("Annexa healthy" + BundleFiles.lastLines(log))
                .until(plain::healthy);
    }

    /**
     * The repository's config/, rules/ and integrations/, with every alert sent to a webhook whose signing secret is
     * written in config/alerts.yml itself (not in ${env:...}), and also mailed.
     */
    private Path home() throws IOException {
        Path copy = work.resolve("home");
        Path project = Path.of(System.getProperty("annexa.projectDir"));
        for (String part : List.of("rules", "config", "integrations")) {
            BundleFiles.copyTree(project.resolve(part), copy.resolve(part));
        }
        Files.writeString(copy.resolve("config/alerts.yml"), alertsYml(receiver.secret()));
        return copy;
    }

    private String alertsYml(String secret) {
        return """
                receivers:
                  - name: security-hook
                    webhook:
                      url: %s
                      secret: %s
                  - name: security-mail
                    email:
                      to: [isms@example.org]
                route:
                  receiver: security-hook
                  group_by: [asset]
                  group_wait: 0s
                  group_interval: 1s
                  routes:
                    - receiver: security-mail
                      continue: true
                    - receiver: security-hook
                allow_private_targets: ["127.0.0.1/32"]
                """.formatted(receiver.url(), secret);
    }

    @AfterAll
    void stop() throws Exception {
        if (annexa != null && annexa.isAlive()) {
            annexa.destroy();
            if (!annexa.waitFor(60, TimeUnit.SECONDS)) {
                annexa.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (receiver != null) {
            receiver.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
        execute("drop schema if exists " + schema + " cascade");
    }

    @Test
    void onlyTheConfiguredPortsAreOpenAndOnlyOnTheConfiguredAddress() {
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(ListeningSockets.of(annexa)).containsExactlyInAnyOrder(
                "tcp " + HOST + ":" + httpPort, "tcp " + HOST + ":" + httpsPort,
                "tcp " + HOST + ":" + syslogPort, "udp " + HOST + ":" + syslogPort));
    }

    @Test
    void httpsServesTheApiWithTheOperatorsCertificate() throws Exception {
        String password = Files.readString(work.resolve("data/initial-admin-password")).strip();

        AnnexaClient api = new AnnexaClient(URI.create("https://" + HOST + ":" + httpsPort + "/"), AnnexaClient.basic("admin", password), https());

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
        AnnexaClient browser = new AnnexaClient(URI.create("https://" + HOST + ":" + httpsPort + "/"), null, https());

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
        AnnexaClient plain = new AnnexaClient(URI.create("http://" + HOST + ":" + httpPort + "/"), null);
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
        AnnexaClient admin = new AnnexaClient(URI.create("http://" + HOST + ":" + httpPort + "/"), AnnexaClient.basic("admin", password));
        List<String> answers = new ArrayList<>();
        AnnexaClient.Reply created = admin.post("api/users", "{\"name\":\"sam\",\"password\":\"" + USER_PASSWORD + "\",\"role\":\"auditor\"}");
        assertThat(created.status()).isEqualTo(201);
        answers.add(created.body());
        String token = admin.as("sam", USER_PASSWORD).post("api/tokens", "{\"name\":\"export job\"}").json().asJsonObject().getString("token");
        AnnexaClient sam = admin.withToken(token);
        // and a console session of sam's: the session id travels in the cookie only and is a secret like a token; the
        // CSRF token is the session's answer to its own caller (signing in, GET api/session), to be repeated in a header
        AnnexaClient.Reply signedIn = admin.anonymous().request("POST", "api/session",
                "{\"username\":\"sam\",\"password\":\"" + USER_PASSWORD + "\"}", "application/json");
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
        answers.add(signedIn.body());
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        String sessionCookie = setCookie.substring(0, setCookie.indexOf(';'));
        String sessionId = sessionCookie.substring(sessionCookie.indexOf('=') + 1);
        String csrf = signedIn.json().asJsonObject().getString("csrfToken");
        AnnexaClient browser = admin.anonymous();

        // the alerts were sent: signed to the webhook, and tried by mail, where the login was refused
        await().atMost(DEADLINE).until(() -> !receiver.accepted().isEmpty());
        JsonObject mail = await().atMost(DEADLINE).until(() -> deliveries(admin).stream()
                .filter(d -> d.getString("channel").equals("email") && d.getString("state").equals("failed")).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(mail.getString("lastError")).contains("refused the login of '" + SMTP_USER + "'");
        assertThat(receiver.requests).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());

        // history for the register: an acknowledgement with a comment
        JsonObject rootLogin = await().atMost(DEADLINE).until(() -> admin.list("api/nonconformities?asset=" + SAMPLE_HOST).stream()
                .filter(nc -> nc.getString("ruleId").equals("sshd_root_login_disabled")).findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
        long nonconformity = rootLogin.getJsonNumber("id").longValue();
        AnnexaClient.Reply acknowledged = admin.post("api/nonconformities/" + nonconformity + "/acknowledge", "{\"comment\":\"seen\"}");
        assertThat(acknowledged.status()).as(acknowledged.body()).isEqualTo(200);
        answers.add(acknowledged.body());
        AnnexaClient.Reply silence = admin.post("api/silences", "{\"matchers\":[\"asset=nowhere\"],\"endsAt\":\""
                + Instant.now().plus(Duration.ofDays(1)) + "\",\"comment\":\"security test\"}");
        assertThat(silence.status()).as(silence.body()).isEqualTo(201);
        answers.add(silence.body());

        Map<String, List<String>> reads = everyRead(admin, nonconformity);
        for (List<String> paths : reads.values()) {
            for (String path : paths) {
                AnnexaClient.Reply asAdmin = admin.get(path, "*/*");
                assertThat(asAdmin.status()).as("GET " + path + ": " + asAdmin.body()).isEqualTo(200);
                answers.add(asAdmin.body());
                answers.add(sam.get(path, "*/*").body());
                answers.add(browser.request("GET", path, null, null, "Accept", "*/*", "Cookie", sessionCookie).body());
            }
        }
        assertThat(String.join("\n", answers)).as("the answers read carry the things the secrets sit beside")
                .contains("security-hook", "security-mail", "refused the login", "\"valid\":true", "sshd_root_login_disabled",
                        "export job", "seen", "\"signedInWith\":\"basic\"", "\"signedInWith\":\"token\"",
                        "\"signedInWith\":\"session\"")
                // not a secret: the session gives it to its own caller, and it is no use without the cookie
                .contains(csrf);

        admin.as("sam", "a wrong password for sam").get("api/controls");
        admin.put("api/users/sam", "{\"password\":\"" + USER_PASSWORD + "-changed\"}");

        // a webhook secret that is refused must not be quoted back either
        String badSecret = "whsec_" + Base64.getEncoder().encodeToString("8 bytes!".getBytes(StandardCharsets.UTF_8));
        Files.writeString(home.resolve("config/alerts.yml"), alertsYml(badSecret));
        AnnexaClient.Reply refused = await().atMost(DEADLINE).until(() -> admin.get("api/alerts/config"),
                r -> !r.json().asJsonObject().isNull("refusedAt"));
        assertThat(refused.body()).contains("Standard Webhooks secrets are 24 to 64 bytes");
        answers.add(refused.body());
        answers.add(admin.get("api/alerts/receivers").body());

        String logText = Files.readString(log);
        String answered = String.join("\n", answers);
        String key = receiver.secret().substring("whsec_".length());
        List<String> secrets = List.of(KEYSTORE_PASSWORD, DB_PASSWORD, USER_PASSWORD, USER_PASSWORD + "-changed", token, sessionId,
                "a wrong password for sam", SMTP_PASSWORD, base64(SMTP_PASSWORD), base64("\0" + SMTP_USER + "\0" + SMTP_PASSWORD),
                receiver.secret(), key, badSecret, password);
        for (String secret : secrets) {
            assertThat(answered).as("API answers").doesNotContain(secret);
            if (!secret.equals(password)) {
                assertThat(logText).as("the log").doesNotContain(secret);
            }
        }
        assertThat(answered).doesNotContain("pbkdf2");
        assertThat(logText).as("the log").doesNotContain(csrf).contains("sam signed in to a session");
        // the generated first password is printed exactly once, by design, so the operator can sign in
        assertThat(occurrences(logText, password)).isEqualTo(1);
        assertThat(logText).contains("sam created API token").contains("admin changed user sam: password");
    }

    /**
     * Every GET endpoint of the API (found in the WAR's classes) with the paths this test reads it at: each format of
     * an export, each delivery. A GET endpoint missing here fails the test, so a new one is read for secrets too.
     */
    private Map<String, List<String>> everyRead(AnnexaClient admin, long nonconformity) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String period = "from=" + today.minusDays(7) + "&to=" + today;
        List<String> deliveries = deliveries(admin).stream().map(d -> "api/alerts/deliveries/" + d.getString("id")).toList();
        String mapping = admin.get("api/mappings/iso27001-2013").json().asJsonArray().getJsonObject(0).getString("id");
        Map<String, List<String>> reads = new LinkedHashMap<>();
        reads.put("api/alerts/config", List.of("api/alerts/config"));
        reads.put("api/alerts/deliveries", List.of("api/alerts/deliveries?limit=1000"));
        reads.put("api/alerts/deliveries/{id}", deliveries);
        reads.put("api/alerts/receivers", List.of("api/alerts/receivers"));
        reads.put("api/assets", List.of("api/assets"));
        reads.put("api/audit/verify", List.of("api/audit/verify"));
        reads.put("api/controls", List.of("api/controls"));
        reads.put("api/controls/{id}", List.of("api/controls/5.1", "api/controls/8.5"));
        reads.put("api/mappings/iso27001-2013", List.of("api/mappings/iso27001-2013"));
        reads.put("api/mappings/iso27001-2013/{id}", List.of("api/mappings/iso27001-2013/" + mapping));
        reads.put("api/nonconformities", List.of("api/nonconformities?limit=500"));
        reads.put("api/nonconformities/trend", List.of("api/nonconformities/trend"));
        reads.put("api/nonconformities/{id}", List.of("api/nonconformities/" + nonconformity));
        reads.put("api/nonconformities/{id}/history", List.of("api/nonconformities/" + nonconformity + "/history"));
        reads.put("api/nonconformities/{id}/occurrences", List.of("api/nonconformities/" + nonconformity + "/occurrences"));
        reads.put("api/reports/audit", List.of("api/reports/audit?" + period + "&format=csv", "api/reports/audit?" + period + "&format=xml"));
        reads.put("api/overview", List.of("api/overview"));
        reads.put("api/cluster", List.of("api/cluster"));
        reads.put("api/requirements", List.of("api/requirements"));
        reads.put("api/rules", List.of("api/rules"));
        reads.put("api/rules/deployment", List.of("api/rules/deployment"));
        reads.put("api/rules/events", List.of("api/rules/events"));
        reads.put("api/rules/{id}/draft", List.of("api/rules/sshd_empty_passwords_disabled/draft"));
        reads.put("api/session", List.of("api/session"));
        reads.put("api/schemas/{name}", List.of("api/schemas/alert-1.json", "api/schemas/soa-1.xsd", "api/schemas/audit-report-1.xsd"));
        reads.put("api/silences", List.of("api/silences"));
        reads.put("api/soa", List.of("api/soa?format=json", "api/soa?format=csv", "api/soa?format=xml"));
        reads.put("api/sources", List.of("api/sources"));
        reads.put("api/tokens", List.of("api/tokens"));
        reads.put("api/users", List.of("api/users"));
        assertThat(deliveries).isNotEmpty();
        ApiEndpoints.Discovery discovery = ApiEndpoints.discover();
        assertThat(discovery.problems()).isEmpty();
        List<String> gets = discovery.endpoints().stream().filter(e -> e.verb().equals("GET")).map(ApiEndpoints.Endpoint::template).toList();
        assertThat(reads.keySet()).as("GET endpoints this test reads for secrets (add a new one to everyRead)")
                .containsExactlyInAnyOrderElementsOf(gets);
        return reads;
    }

    /** Every alert delivery, all pages. */
    private static List<JsonObject> deliveries(AnnexaClient api) {
        List<JsonObject> all = new ArrayList<>();
        String cursor = null;
        do {
            AnnexaClient.Reply reply = api.get("api/alerts/deliveries?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonObject page = reply.json().asJsonObject();
            all.addAll(page.getJsonArray("items").getValuesAs(JsonObject.class));
            cursor = page.isNull("next") ? null : URLEncoder.encode(page.getString("next"), StandardCharsets.UTF_8);
        } while (cursor != null);
        return all;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    /** A port free for TCP and UDP on {@link #HOST}: the syslog receiver binds both. */
    private static int freePort() throws IOException {
        InetAddress address = InetAddress.getByName(HOST);
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, address); DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), address)) {
                return tcp.getLocalPort();
            } catch (IOException taken) {
                // the UDP port was taken: try another
            }
        }
        throw new IOException("no port free for both TCP and UDP on " + HOST);
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
                new GeneralName(GeneralName.iPAddress, HOST), new GeneralName(GeneralName.dNSName, "localhost")}));
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
