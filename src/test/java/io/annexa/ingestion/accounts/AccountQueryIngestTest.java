package io.annexa.ingestion.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evidence.Account;
import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.CollectingSink;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The processor against the PostgreSQL server on this machine, one fresh schema per test. */
class AccountQueryIngestTest {

    private static final String ROUTE = "accounts-test";
    private static final Instant MONDAY = Instant.parse("2026-04-27T08:15:00Z");
    private static final Instant JANUARY = Instant.parse("2026-01-15T10:00:00Z");

    @TempDir
    Path temp;

    private final CamelContext camel = new DefaultCamelContext();
    private final CollectingSink sink = new CollectingSink();
    private final SourceMonitor monitor = new SourceMonitor();
    private final Map<String, String> settings = new HashMap<>();
    private PostgresIdentities identities;
    private AccountQueryIngest ingest;

    @BeforeEach
    void setUp() throws SQLException {
        identities = new PostgresIdentities();
        settings.put(AccountQuerySettings.URL, PostgresIdentities.SERVER);
        settings.put(AccountQuerySettings.USER, PostgresIdentities.USER);
        settings.put(AccountQuerySettings.QUERY, identities.query());
        ingest = new AccountQueryIngest(new SourceContext(sink, monitor, temp, key -> Optional.ofNullable(settings.get(key)),
                null, 1_048_576));
    }

    @AfterEach
    void tearDown() throws Exception {
        identities.close();
        camel.close();
    }

    @Test
    void everyRowBecomesAnAccountHandedOverPerAsset() throws Exception {
        identities.add("web-01", "alice", true, false, MONDAY, "Alice Martin", 1001)
                .add("web-01", "root", true, true, null, "ops team", 0)
                .add("DB-01.example.org.", "bob", false, false, JANUARY, null, 1002)
                .add("db-01.example.org", "svc_backup", true, true, null, "  ", null);

        ingest.process(exchange());

        EvidenceKey web = new EvidenceKey("accounts", "web-01", ROUTE);
        EvidenceKey db = new EvidenceKey("accounts", "db-01.example.org", ROUTE);
        assertThat(sink.keys()).containsExactly(web, db);
        assertThat(accounts(web)).extracting(Account::getAsset, Account::getSource, Account::getUser, Account::isEnabled,
                Account::isPrivileged, Account::getLastLogin, Account::getOwner, Account::getUid).containsExactly(
                tuple("web-01", "accounts", "alice", true, false, MONDAY, "Alice Martin", 1001),
                tuple("web-01", "accounts", "root", true, true, null, "ops team", 0));
        assertThat(accounts(db)).extracting(Account::getAsset, Account::getUser, Account::isEnabled, Account::isPrivileged,
                Account::getLastLogin, Account::getOwner, Account::getUid).containsExactly(
                tuple("db-01.example.org", "bob", false, false, JANUARY, "", 1002),
                tuple("db-01.example.org", "svc_backup", true, true, null, "", null));
        assertThat(monitor.counters(ROUTE).itemsRead()).isEqualTo(4);
        assertThat(monitor.counters(ROUTE).errors()).isZero();
    }

    @Test
    void aRowBreakingTheContractIsSkippedAndCountedWithItsRowNumber() throws Exception {
        identities.add("web-01", "alice", true, false, MONDAY, "Alice Martin", 1001)
                .add("web-01", null, true, false, null, null, null)
                .add("web-01", "carol", null, false, null, null, null)
                .add(null, "dave", true, false, null, null, null)
                .add("web-01", "erin", true, true, null, "ops", 1003);

        ingest.process(exchange());

        assertThat(accounts(new EvidenceKey("accounts", "web-01", ROUTE))).extracting(Account::getUser).containsExactly("alice", "erin");
        SourceMonitor.Counters counters = monitor.counters(ROUTE);
        assertThat(counters.itemsRead()).isEqualTo(2);
        assertThat(counters.errors()).isEqualTo(3);
        assertThat(counters.deadLetters()).isZero();
        assertThat(counters.lastErrorMessage()).hasValue(AccountQuerySettings.QUERY
                + ": row 4: user 'dave': column 'asset' is null; row skipped");
    }

    @Test
    void aRowWithAnAssetNameThatIsNoHostNameIsSkippedNamingColumnAndValue() throws Exception {
        identities.add("web-01", "alice", true, false, MONDAY, "Alice Martin", 1001)
                .add("../../etc/passwd", "mallory", true, true, null, null, null);

        ingest.process(exchange());

        assertThat(accounts(new EvidenceKey("accounts", "web-01", ROUTE))).extracting(Account::getUser).containsExactly("alice");
        assertThat(monitor.counters(ROUTE).errors()).isEqualTo(1);
        assertThat(monitor.counters(ROUTE).lastErrorMessage()).hasValue(AccountQuerySettings.QUERY
                + ": row 2: user 'mallory': column 'asset' '../../etc/passwd' is not a valid asset name: it has '/' (U+002F)"
                + " at position 3; only letters a-z, digits, '.', '-' and '_' are allowed; row skipped");
    }

    @Test
    void aMissingColumnRejectsTheQueryNamingTheColumnAndTheSetting() throws SQLException {
        identities.add("web-01", "alice", true, false, MONDAY, "Alice Martin", 1001);
        settings.put(AccountQuerySettings.QUERY, identities.query().replace("responsible as owner", "responsible as owned_by"));

        assertThatThrownBy(() -> ingest.process(exchange())).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getFile()).isEqualTo("annexa.sources.accounts.query");
            assertThat(e.getReason()).startsWith("the query returns no column 'owner' (it returns asset, enabled, last_login, "
                    + "owned_by, privileged, uid, user_name); every one of asset, user_name, enabled, privileged, last_login, owner, "
                    + "uid is needed, alias a column to it or select null as owner");
        });
        assertThat(sink.keys()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            timestamp without time zone, read as UTC | timestamp '2026-01-02 03:04:05'            | 2026-01-02T03:04:05Z
            timestamp with time zone                 | timestamptz '2026-01-02 03:04:05+02'       | 2026-01-02T01:04:05Z
            date, as midnight UTC                    | date '2026-01-02'                          | 2026-01-02T00:00:00Z
            ISO-8601 text                            | '2026-01-02T03:04:05+01:00'                | 2026-01-02T02:04:05Z
            """)
    void lastLoginIsReadFromTimestampsDatesAndIsoText(String title, String expression, Instant expected) throws Exception {
        settings.put(AccountQuerySettings.QUERY, "select 'h1' as asset, 'u1' as user_name, 1 as enabled, 'no' as privileged, "
                + expression + " as last_login, null as owner, '42' as uid");

        ingest.process(exchange());

        assertThat(accounts(new EvidenceKey("accounts", "h1", ROUTE))).singleElement().satisfies(account -> {
            assertThat(account.getLastLogin()).isEqualTo(expected);
            assertThat(account.isEnabled()).isTrue();
            assertThat(account.isPrivileged()).isFalse();
            assertThat(account.getOwner()).isEmpty();
            assertThat(account.getUid()).isEqualTo(42);
        });
    }

    @Test
    void aResultOfWhichNoRowIsUsableIsRejectedAndThePreviousAccountsStay() throws Exception {
        identities.add("web-01", "alice", true, false, MONDAY, "Alice Martin", 1001);
        ingest.process(exchange());
        identities.execute("update " + identities.schema + ".identities set active = null");

        assertThatThrownBy(() -> ingest.process(exchange())).isInstanceOfSatisfying(InvalidInputException.class, e ->
                assertThat(e.getReason()).isEqualTo("none of the 1 rows could be used, so the previous accounts are kept; "
                        + "row 1: user 'alice' on web-01: enabled is null, not true or false"));
        assertThat(sink.calls(new EvidenceKey("accounts", "web-01", ROUTE))).isEqualTo(1);
    }

    @Test
    void anAssetWithoutAccountsAnyMoreIsEmptied() throws Exception {
        identities.add("web-01", "alice", true, false, MONDAY, "Alice Martin", 1001).add("db-01", "bob", true, false, null, null, null);
        ingest.process(exchange());
        identities.execute("delete from " + identities.schema + ".identities where host = 'db-01'");

        ingest.process(exchange());

        assertThat(sink.latest(new EvidenceKey("accounts", "db-01", ROUTE))).hasValue(List.of());
        assertThat(accounts(new EvidenceKey("accounts", "web-01", ROUTE))).extracting(Account::getUser).containsExactly("alice");
    }

    @Test
    void theQueryRunsReadOnly() throws Exception {
        settings.put(AccountQuerySettings.QUERY, "with added as (insert into " + identities.schema + ".identities (host, login)"
                + " values ('web-01', 'mallory') returning *) select host as asset, login as user_name, true as enabled,"
                + " false as privileged, null as last_login, null as owner, null as uid from added");

        assertThatThrownBy(() -> ingest.process(exchange())).isInstanceOf(SQLException.class).hasMessageContaining("read-only");
        assertThat(identities.rows()).isZero();
    }

    @Test
    void aQueryRunningLongerThanTheTimeoutIsCancelled() {
        settings.put(AccountQuerySettings.TIMEOUT, "1");
        settings.put(AccountQuerySettings.QUERY, "select 'h1' as asset, 'u1' as user_name, true as enabled, false as privileged,"
                + " null as last_login, null as owner, null as uid from pg_sleep(30)");

        long started = System.nanoTime();
        assertThatThrownBy(() -> ingest.process(exchange())).isInstanceOf(SQLException.class).hasMessageContaining("cancel");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(15_000);
    }

    @Test
    void missingSettingsAreNamed() {
        settings.remove(AccountQuerySettings.URL);
        assertThatThrownBy(() -> ingest.process(exchange())).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.getMessage()).isEqualTo("annexa.sources.accounts.url: is not set; the accounts source needs "
                        + "the JDBC URL of the database to query"));

        settings.put(AccountQuerySettings.URL, PostgresIdentities.SERVER);
        settings.put(AccountQuerySettings.TIMEOUT, "soon");
        assertThatThrownBy(() -> ingest.process(exchange())).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.getMessage()).isEqualTo("annexa.sources.accounts.timeout-seconds: 'soon' is not a positive number of seconds"));
    }

    @Test
    void thePasswordStaysOutOfTheSettingsText() throws Exception {
        settings.put(AccountQuerySettings.PASSWORD, "hunter2");
        assertThat(AccountQuerySettings.from(key -> Optional.ofNullable(settings.get(key))).toString()).doesNotContain("hunter2");
    }

    private Exchange exchange() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getExchangeExtension().setFromRouteId(ROUTE);
        return exchange;
    }

    private List<Account> accounts(EvidenceKey key) {
        return sink.latest(key).orElseThrow(() -> new AssertionError("nothing handed over under " + key + "; keys: " + sink.keys()))
                .stream().map(Account.class::cast).toList();
    }
}
