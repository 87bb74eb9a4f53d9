package io.annexa.ingestion.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.annexa.evidence.Account;
import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.CollectingSink;
import io.annexa.ingestion.IsolatedSources;
import io.annexa.ingestion.SourceRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    private final CollectingSink sink = new CollectingSink();
    private IsolatedSources sources;

    @BeforeEach
    void setUp() throws Exception {
        // byDefaultTheRouteStaysStopped is about the shipped value
        sources = IsolatedSources.in(temp).withDefault("annexa.sources.accounts.enabled");
        identities = new PostgresIdentities();
    }

    @AfterEach
    void tearDown() throws Exception {
        sources.close();
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
        sources.start(sink);

        assertThat(route().state()).isEqualTo("Stopped");
        await().during(Duration.ofMillis(1500)).atMost(DEADLINE).until(() -> keys().isEmpty() && reasons().isEmpty());
    }

    // ---------------------------------------------------------------- helpers

    /** One run only (the first comes a second after start, the next a minute later), so counts are exact. */
    private void start(String query) throws Exception {
        sources.with("annexa.sources.accounts.enabled", "true")
                .with("annexa.sources.accounts.url", PostgresIdentities.SERVER)
                .with("annexa.sources.accounts.user", PostgresIdentities.USER)
                .with("annexa.sources.accounts.query", query)
                .with("annexa.sources.accounts.period-ms", "60000")
                .start(sink);
    }

    private SourceRuntime.RouteStatus route() {
        return sources.route(ROUTE);
    }

    /** What this route handed over, whatever the other routes of the project may file. */
    private List<EvidenceKey> keys() {
        return sink.keys().stream().filter(key -> key.origin().equals(ROUTE)).toList();
    }

    private List<Account> accounts(EvidenceKey key) {
        return sink.latest(key).orElseThrow().stream().map(Account.class::cast).toList();
    }

    private List<String> reasons() throws IOException {
        return sources.reasons(ROUTE);
    }
}
