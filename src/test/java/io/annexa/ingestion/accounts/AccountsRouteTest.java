package io.annexa.ingestion.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.Account;
import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.CollectingSink;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import io.annexa.ingestion.SourceRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's real {@code integrations/accounts.camel.yaml} in a real {@link SourceRuntime} with the default
 * settings, querying a fresh schema of the PostgreSQL server on this machine. Only the data folder, other
 * routes' local paths, and this route's connection, query and period are the test's.
 */
class AccountsRouteTest {

    private static final String ROUTE = "accounts-query";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Instant LAST_WEEK = Instant.parse("2026-04-20T09:30:00Z");

    @TempDir
    Path temp;

    private PostgresIdentities identities;
    private final Properties settings = new Properties();
    private final CollectingSink sink = new CollectingSink();
    private SourceRuntime runtime;

    @BeforeEach
    void setUp() throws Exception {
        identities = new PostgresIdentities();
        try (InputStream in = Files.newInputStream(ProjectFiles.root().resolve("config/annexa.properties"))) {
            settings.load(in);
        }
        settings.setProperty("annexa.sources.samples.enabled", "false");
        settings.setProperty("annexa.sources.sshd-config.local.dir", Files.createDirectories(temp.resolve("local-etc-ssh")).toString());
        settings.setProperty("annexa.sources.sshd-config.local.root", Files.createDirectories(temp.resolve("local-root")).toString());
        settings.setProperty("annexa.sources.logs.follow", "");
        settings.setProperty("annexa.sources.syslog.enabled", "false");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        identities.close();
    }

    @Test
    void theQueriedAccountsArriveAsFactsPerAsset() throws Exception {
        identities.add("web-01", "alice", true, false, LAST_WEEK, "Alice Martin", 1001)
                .add("web-01", "root", true, true, null, null, 0)
                .add("db-01", "bob", false, false, null, "DBA team", null);
        start(identities.query());

        EvidenceKey web = new EvidenceKey("accounts", "web-01", ROUTE);
        EvidenceKey db = new EvidenceKey("accounts", "db-01", ROUTE);
        await().atMost(DEADLINE).until(() -> sink.latest(web).isPresent() && sink.latest(db).isPresent());

        assertThat(accounts(web)).extracting(Account::getUser, Account::isEnabled, Account::isPrivileged, Account::getLastLogin,
                Account::getOwner, Account::getUid).containsExactly(
                tuple("alice", true, false, LAST_WEEK, "Alice Martin", 1001),
                tuple("root", true, true, null, "", 0));
        assertThat(accounts(db)).extracting(Account::getUser, Account::isEnabled, Account::getOwner)
                .containsExactly(tuple("bob", false, "DBA team"));
        assertThat(keys()).containsExactlyInAnyOrder(web, db);
        await().atMost(DEADLINE).untilAsserted(() -> {
            SourceRuntime.RouteStatus status = route();
            assertThat(status.state()).isEqualTo("Started");
            assertThat(status.counters().itemsRead()).isEqualTo(3);
            assertThat(status.counters().errors()).isZero();
        });
    }

    @Test
    void aQueryWithoutARequiredColumnIsDeadLetteredNamingColumnAndSetting() throws Exception {
        identities.add("web-01", "alice", true, false, LAST_WEEK, "Alice Martin", 1001);
        start(identities.query().replace("is_admin as privileged", "is_admin as admin"));

        await().atMost(DEADLINE).until(() -> reasons().size() == 1);
        assertThat(reasons().get(0)).contains("route: " + ROUTE)
                .contains("reason: annexa.sources.accounts.query: the query returns no column 'privileged'");
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(route().counters().errors()).isEqualTo(1);
            assertThat(route().counters().deadLetters()).isEqualTo(1);
        });
        assertThat(keys()).isEmpty();
    }

    @Test
    void byDefaultTheRouteStaysStopped() throws Exception {
        startRuntime();

        assertThat(route().state()).isEqualTo("Stopped");
        await().during(Duration.ofMillis(1500)).atMost(DEADLINE).until(() -> keys().isEmpty() && reasons().isEmpty());
    }

    // ---------------------------------------------------------------- helpers

    /** One run only (the first comes a second after start, the next a minute later), so counts are exact. */
    private void start(String query) throws Exception {
        settings.setProperty("annexa.sources.accounts.enabled", "true");
        settings.setProperty("annexa.sources.accounts.url", PostgresIdentities.SERVER);
        settings.setProperty("annexa.sources.accounts.user", PostgresIdentities.USER);
        settings.setProperty("annexa.sources.accounts.query", query);
        settings.setProperty("annexa.sources.accounts.period-ms", "60000");
        startRuntime();
    }

    private void startRuntime() throws Exception {
        Map<String, String> fixed = new HashMap<>();
        fixed.put("annexa.home", ProjectFiles.root().toString());
        fixed.put("annexa.data", temp.toString());
        fixed.put("annexa.inbox", Files.createDirectories(temp.resolve("inbox")).toString());
        fixed.put("annexa.host.name", "testhost");
        // as AnnexaService reads settings: an empty value is no value
        runtime = new SourceRuntime(ProjectFiles.integrations(), fixed, new SourceContext(sink, new SourceMonitor(), temp,
                name -> Optional.ofNullable(settings.getProperty(name)).map(String::strip).filter(v -> !v.isEmpty()),
                ControlCatalog.load(), 1_048_576));
        runtime.start();
        assertThat(runtime.isStarted()).isTrue();
    }

    private SourceRuntime.RouteStatus route() {
        return runtime.routes().stream().filter(r -> r.routeId().equals(ROUTE)).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + ROUTE + " in " + runtime.routes()));
    }

    /** What this route handed over; the other routes read this machine's own files. */
    private List<EvidenceKey> keys() {
        return sink.keys().stream().filter(key -> key.origin().equals(ROUTE)).toList();
    }

    private List<Account> accounts(EvidenceKey key) {
        return sink.latest(key).orElseThrow().stream().map(Account.class::cast).toList();
    }

    private List<String> reasons() throws IOException {
        Path folder = temp.resolve("dead-letter").resolve(ROUTE);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<String> texts = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".reason")).sorted().toList()) {
                texts.add(Files.readString(file));
            }
            return texts;
        }
    }
}
