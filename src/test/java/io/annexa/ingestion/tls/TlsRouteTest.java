package io.annexa.ingestion.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.TlsEndpoint;
import io.annexa.ingestion.CollectingSink;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.SourceRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's real {@code integrations/tls.camel.yaml} in a real {@link SourceRuntime}, with the defaults of
 * {@code config/annexa.properties}; only targets, schedule and the other routes' folders are the test's.
 */
class TlsRouteTest {

    private static final String ROUTE = "tls-probe";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final char[] PASSWORD = "changeit".toCharArray();

    private static LocalTlsServer server;

    @TempDir
    Path temp;

    private final CollectingSink sink = new CollectingSink();
    private SourceRuntime runtime;

    @BeforeAll
    static void startServer() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TestCertificates.Issued identity = TestCertificates.selfSigned(TestCertificates.rsa(2048), "CN=web-01.annexa.test",
                "SHA256withRSA", now.minus(1, ChronoUnit.DAYS), now.plus(90, ChronoUnit.DAYS), false);
        server = new LocalTlsServer(identity.keyStore(PASSWORD), PASSWORD, List.of("TLSv1.3", "TLSv1.2"),
                List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void eachTargetIsProbedOnTheScheduleAndFiledUnderItsAsset() throws Exception {
        start(Map.of(TlsProbeIngest.TARGETS_SETTING, "Web-01=127.0.0.1:" + server.port(), "annexa.sources.tls.period-ms", "200"));

        EvidenceKey key = new EvidenceKey("tls", "web-01", ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(key).isPresent());
        assertThat(sink.latest(key).orElseThrow()).singleElement().isInstanceOfSatisfying(TlsEndpoint.class, e -> {
            assertThat(e.getAsset()).isEqualTo("web-01");
            assertThat(e.getEndpoint()).isEqualTo("127.0.0.1:" + server.port());
            assertThat(e.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
            assertThat(e.getSubject()).isEqualTo("CN=web-01.annexa.test");
            assertThat(e.getError()).isEmpty();
        });

        // Probed again on the next periods, each read replacing the last.
        await().atMost(DEADLINE).until(() -> sink.calls(key) >= 3);
        assertThat(tlsKeys()).containsExactly(key);
        SourceRuntime.RouteStatus status = route();
        assertThat(status.state()).isEqualTo("Started");
        assertThat(status.endpoint()).isEqualTo("timer://tls-probe");
        assertThat(status.counters().itemsRead()).isGreaterThanOrEqualTo(3);
        assertThat(status.counters().errors()).isZero();
    }

    @Test
    void aDownEndpointIsEvidenceNotAnError() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        start(Map.of(TlsProbeIngest.TARGETS_SETTING, "localhost:" + closed));

        EvidenceKey key = new EvidenceKey("tls", "localhost", ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(key).isPresent());
        assertThat(sink.latest(key).orElseThrow()).singleElement().isInstanceOfSatisfying(TlsEndpoint.class,
                e -> assertThat(e.getError()).startsWith("cannot connect to localhost:" + closed + ": "));
        assertThat(route().counters().itemsRead()).isEqualTo(1);
        assertThat(route().counters().errors()).isZero();
    }

    @Test
    void twoPortsOfOneAssetAreHandedOverTogether() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        start(Map.of(TlsProbeIngest.TARGETS_SETTING, "127.0.0.1:" + server.port() + ", 127.0.0.1:" + closed));

        EvidenceKey key = new EvidenceKey("tls", "127.0.0.1", ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(key).isPresent());
        assertThat(sink.latest(key).orElseThrow()).extracting(f -> ((TlsEndpoint) f).getPort(), f -> ((TlsEndpoint) f).getError().isEmpty())
                .containsExactly(tuple(server.port(), true), tuple(closed, false));
        assertThat(sink.calls(key)).isEqualTo(1);
        assertThat(route().counters().itemsRead()).isEqualTo(2);
    }

    @Test
    void badEntriesAreDeadLetteredAndTheGoodOnesStillProbed() throws Exception {
        String targets = "web1:https, good=127.0.0.1:" + server.port() + ",,db:70000";
        start(Map.of(TlsProbeIngest.TARGETS_SETTING, targets));

        EvidenceKey good = new EvidenceKey("tls", "good", ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(good).isPresent());
        assertThat(sink.latest(good).orElseThrow()).singleElement().isInstanceOfSatisfying(TlsEndpoint.class,
                e -> assertThat(e.getError()).isEmpty());

        Path folder = temp.resolve("dead-letter").resolve(ROUTE);
        await().atMost(DEADLINE).until(() -> reasonFiles(folder).size() == 1);
        assertThat(Files.readString(reasonFiles(folder).get(0))).contains("route: " + ROUTE)
                .contains("reason: annexa.sources.tls.targets: 'web1:https', 'db:70000' are not host:port");
        Path reason = reasonFiles(folder).get(0);
        Path copy = reason.resolveSibling(reason.getFileName().toString().replaceFirst("\\.reason$", ""));
        assertThat(copy).hasContent(targets);
        await().atMost(DEADLINE).untilAsserted(() -> {
            SourceMonitor.Counters counters = route().counters();
            assertThat(counters.errors()).isEqualTo(1);
            assertThat(counters.deadLetters()).isEqualTo(1);
            assertThat(counters.itemsRead()).isEqualTo(1);
            assertThat(counters.lastErrorMessage()).hasValueSatisfying(m -> assertThat(m).contains("'web1:https'"));
        });
        assertThat(tlsKeys()).containsExactly(good);
        assertThat(route().state()).isEqualTo("Started");
    }

    @Test
    void withTheDefaultEmptyTargetsNothingIsProbed() throws Exception {
        start(Map.of("annexa.sources.tls.period-ms", "50"));

        await().atMost(DEADLINE).until(() -> runtime.camel().getRoute(ROUTE) != null
                && runtime.camel().getRoute(ROUTE).getUptimeMillis() > 500);
        assertThat(tlsKeys()).isEmpty();
        assertThat(route().counters().itemsRead()).isZero();
        assertThat(route().counters().errors()).isZero();
    }

    // ---------------------------------------------------------------- helpers

    /** Defaults from config/annexa.properties; other routes pointed at the test's folders; the probe starts at once. */
    private void start(Map<String, String> tls) throws Exception {
        Properties settings = new Properties();
        try (InputStream in = Files.newInputStream(ProjectFiles.root().resolve("config/annexa.properties"))) {
            settings.load(in);
        }
        settings.setProperty("annexa.sources.samples.enabled", "false");
        // The syslog receiver listens on a fixed port, which parallel test runs on this machine would fight over.
        settings.setProperty("annexa.sources.syslog.enabled", "false");
        settings.setProperty("annexa.sources.sshd-config.local.dir", Files.createDirectories(temp.resolve("local-etc-ssh")).toString());
        settings.setProperty("annexa.sources.sshd-config.local.root", Files.createDirectories(temp.resolve("local-root")).toString());
        settings.setProperty("annexa.sources.tls.delay-ms", "10");
        settings.setProperty("annexa.sources.tls.timeout-ms", "2000");
        settings.putAll(tls);
        Map<String, String> fixed = new HashMap<>();
        fixed.put("annexa.home", ProjectFiles.root().toString());
        fixed.put("annexa.data", temp.toString());
        fixed.put("annexa.inbox", Files.createDirectories(temp.resolve("inbox")).toString());
        fixed.put("annexa.host.name", "testhost");
        runtime = new SourceRuntime(ProjectFiles.integrations(), fixed, new SourceContext(sink, new SourceMonitor(), temp,
                name -> Optional.ofNullable(settings.getProperty(name)), ControlCatalog.load(), 1_048_576));
        runtime.start();
        assertThat(runtime.isStarted()).isTrue();
    }

    /** Only this source's keys: the other routes of integrations/ (local files of this machine) may file their own. */
    private List<EvidenceKey> tlsKeys() {
        return sink.keys().stream().filter(k -> k.source().equals("tls")).toList();
    }

    private SourceRuntime.RouteStatus route() {
        return runtime.routes().stream().filter(r -> r.routeId().equals(ROUTE)).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + ROUTE + " in " + runtime.routes()));
    }

    private static List<Path> reasonFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".reason")).sorted().toList();
        }
    }
}
