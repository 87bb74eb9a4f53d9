package io.annexa.alerting;

import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import io.annexa.evidence.EvidenceScope;
import io.annexa.register.ChangeJournal;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.DatabaseSettings;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import io.annexa.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real register and the real alert tables on a fresh database (H2 file or a PostgreSQL schema, chosen by the nested
 * class), migrated by Flyway as at start: the register journals into the outbox, a dispatcher reads it.
 */
abstract class AlertFixture {

    static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String SOURCE = "sshd_config";

    static final RuleDefinition ROOT_LOGIN = rule("sshd_root_login_disabled", Severity.HIGH, "8.5", null);
    static final RuleDefinition PASSWORDS = rule("sshd_password_authentication_disabled", Severity.MEDIUM, "8.5", null);
    static final RuleDefinition BRUTE_FORCE = rule("ssh_brute_force_detected", Severity.MEDIUM, "8.16", null);
    static final RuleDefinition SOURCE_SILENT = rule("source_reporting_on_schedule", Severity.MEDIUM, "8.16", "9.1");
    /** Its title is longer than the register's column: the database refuses the nonconformity. */
    static final RuleDefinition OVERLONG = new RuleDefinition("sshd_overlong_title", "t".repeat(600), List.of("8.5"), Severity.LOW,
            List.of(SOURCE), "", "", Map.of(), Path.of("rules", "sshd_overlong_title"), "sshd_overlong_title");

    static final String ROUTING = """
            route:
              receiver: ops
              group_by: [rule]
              group_wait: 0s
              group_interval: 1m
              repeat_interval: 1h
            receivers:
              - name: ops
                webhook:
                  url: https://hooks.example.org/annexa
                  secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
            """;

    @TempDir
    Path temp;

    ManualClock clock;
    DatabaseSettings settings;
    private String schema;
    NonconformityRepository repository;
    NonconformityRegister register;
    AlertStore store;
    AlertOutbox outbox;
    AlertRouting routing;
    RegisterPolicy policy = RegisterPolicy.defaults();
    private final List<AlertStore> otherStores = new ArrayList<>();
    private final List<AlertDispatcher> dispatchers = new ArrayList<>();

    abstract boolean postgres();

    @BeforeEach
    final void openDatabase() throws Exception {
        clock = new ManualClock(START);
        if (postgres()) {
            schema = "annexa_alerts_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
            try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("create schema " + schema);
            }
            settings = new DatabaseSettings(POSTGRES + "?currentSchema=" + schema, "postgres", "");
        } else {
            settings = DatabaseSettings.embedded(temp);
        }
        DatabaseMigrations.migrate(settings);
        repository = NonconformityRepository.open(settings);
        store = AlertStore.open(settings);
        outbox = new AlertOutbox(store, "https://annexa.example.org/");
        register = new NonconformityRegister(repository, policy, AssetInventory.empty(), clock, outbox);
        routing = routing(ROUTING);
    }

    @AfterEach
    final void closeDatabase() throws Exception {
        try {
            dispatchers.forEach(AlertDispatcher::close);
            otherStores.forEach(AlertStore::close);
            store.close();
            repository.close();
        } finally {
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", ""); Statement s = c.createStatement()) {
                    s.execute("drop schema if exists " + schema + " cascade");
                }
            }
        }
    }

    static RuleDefinition rule(String id, Severity severity, String control, String requirement) {
        return new RuleDefinition(id, "title of " + id, List.of(control), severity, List.of(SOURCE), "why", "how", Map.of(),
                Path.of("rules", id), id, Map.of(), requirement);
    }

    static Optional<RuleDefinition> enabled(String id) {
        return Optional.ofNullable(Map.of(ROOT_LOGIN.id(), ROOT_LOGIN, PASSWORDS.id(), PASSWORDS, BRUTE_FORCE.id(), BRUTE_FORCE,
                SOURCE_SILENT.id(), SOURCE_SILENT, OVERLONG.id(), OVERLONG).get(id));
    }

    AlertRouting routing(String yaml) throws Exception {
        Path file = Files.writeString(temp.resolve("alerts-" + UUID.randomUUID() + ".yml"), yaml);
        return AlertRouting.read(file, "config/alerts.yml");
    }

    void later(Duration by) {
        clock.advance(by);
    }

    /** One evaluation cycle now: these findings hold (and incidents happened), the evidence of these assets was read. */
    List<Change> cycle(List<Finding> findings, List<Finding> incidents, String... read) {
        return cycle(AlertFixture::enabled, findings, incidents, read);
    }

    /** As {@link #cycle(List, List, String...)}, with {@code rules} enabled instead of this fixture's five. */
    List<Change> cycle(Function<String, Optional<RuleDefinition>> rules, List<Finding> findings, List<Finding> incidents,
                       String... read) {
        Set<EvidenceScope> scopes = new HashSet<>();
        findings.forEach(f -> scopes.add(new EvidenceScope(SOURCE, f.getAsset())));
        incidents.forEach(f -> scopes.add(new EvidenceScope(SOURCE, f.getAsset())));
        for (String asset : read) {
            scopes.add(new EvidenceScope(SOURCE, asset));
        }
        return register.reconcile(new EvaluationResult(clock.instant(), Set.copyOf(findings), scopes, scopes,
                findings.size() + incidents.size(), incidents), rules);
    }

    static Finding finding(RuleDefinition rule, String asset) {
        return new Finding(rule.id(), rule.controls(), asset, rule.severity(), rule.id() + " holds on " + asset);
    }

    static Finding incident(RuleDefinition rule, String asset) {
        return new Finding(rule.id(), rule.controls(), asset, rule.severity(), "burst on " + asset, true);
    }

    /** Raises one nonconformity: its id. */
    long raise(RuleDefinition rule, String asset) {
        return cycle(List.of(finding(rule, asset)), List.of()).stream()
                .filter(c -> c.nonconformity().getAsset().equals(asset) && c.nonconformity().getRuleId().equals(rule.id()))
                .findFirst().orElseThrow().nonconformity().getId();
    }

    /** A register on the same database whose journal writes the outbox and then fails: the change must not be stored. */
    NonconformityRegister registerWithJournal(ChangeJournal journal) {
        return new NonconformityRegister(repository, policy, AssetInventory.empty(), clock, journal);
    }

    AlertDispatcher dispatcher(Map<String, AlertSender> senders, DispatchSettings dispatch) {
        return dispatcher(store, senders, dispatch);
    }

    AlertDispatcher dispatcher(AlertStore on, Map<String, AlertSender> senders, DispatchSettings dispatch) {
        return dispatcher(on, senders, dispatch, clock);
    }

    /** A dispatcher on its own clock (the system's, for one that runs its own thread in real time). */
    AlertDispatcher dispatcher(AlertStore on, Map<String, AlertSender> senders, DispatchSettings dispatch, java.time.Clock time) {
        AlertDispatcher dispatcher = new AlertDispatcher(on, () -> routing, senders, dispatch, time, Executors.defaultThreadFactory(),
                java.util.random.RandomGenerator.getDefault());
        dispatchers.add(dispatcher);
        return dispatcher;
    }

    /** Another Annexa process on the same database: its own connections, nothing shared in memory. */
    AlertStore anotherStore() {
        AlertStore other = AlertStore.open(settings);
        otherStores.add(other);
        return other;
    }

    long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
             Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    List<String> eventTypes() throws SQLException {
        List<String> types = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
             Statement s = c.createStatement(); ResultSet rows = s.executeQuery("select event_type from alert_event order by id")) {
            while (rows.next()) {
                types.add(rows.getString(1));
            }
        }
        return types;
    }
}
