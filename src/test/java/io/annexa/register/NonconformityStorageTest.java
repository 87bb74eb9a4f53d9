package io.annexa.register;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import io.annexa.evidence.EvidenceScope;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.RegisterPolicy;
import io.annexa.testing.ManualClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the register stores what a cycle changed, on the embedded H2 database and the PostgreSQL on this machine: last
 * seen without touching the version, bounded per cycle, and many changes in one commit with a refused row left out.
 */
class NonconformityStorageTest {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static final RuleDefinition ROOT_LOGIN = rule("sshd_root_login_disabled", "The root account cannot log in over SSH");
    private static final RuleDefinition PASSWORDS = rule("sshd_password_authentication_disabled", "SSH refuses passwords");
    /** A title longer than the register's column: the database refuses its rows. */
    private static final RuleDefinition OVERLONG = rule("sshd_overlong_title", "t".repeat(600));
    private static final Map<String, RuleDefinition> RULES = Map.of(ROOT_LOGIN.id(), ROOT_LOGIN, PASSWORDS.id(), PASSWORDS,
            OVERLONG.id(), OVERLONG);
    private static final Function<String, Optional<RuleDefinition>> LOOKUP = id -> Optional.ofNullable(RULES.get(id));

    private static RuleDefinition rule(String id, String title) {
        return new RuleDefinition(id, title, List.of("8.5"), Severity.HIGH, List.of("sshd_config"), "", "", Map.of(),
                Path.of("rules/technological/c8_05_secure_authentication/" + id),
                "technological.c8_05_secure_authentication." + id);
    }

    @Nested
    class OnH2 extends Contract {

        @TempDir
        Path dataDirectory;

        @Override
        DatabaseSettings createDatabase() {
            return DatabaseSettings.embedded(dataDirectory);
        }
    }

    @Nested
    class OnPostgreSql extends Contract {

        private final String schema = "annexa_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .toLowerCase(Locale.ROOT);

        @Override
        DatabaseSettings createDatabase() throws Exception {
            execute("create schema " + schema);
            return new DatabaseSettings(POSTGRES + "?currentSchema=" + schema, "postgres", "");
        }

        @Override
        void dropDatabase() throws Exception {
            execute("drop schema if exists " + schema + " cascade");
        }

        private void execute(String sql) throws Exception {
            try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "");
                 Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }
    }

    /** The cases every database must pass. */
    abstract class Contract {

        private NonconformityRepository repository;
        private NonconformityRegister register;
        private final ManualClock clock = new ManualClock(T0);

        abstract DatabaseSettings createDatabase() throws Exception;

        void dropDatabase() throws Exception {
        }

        @BeforeEach
        void open() throws Exception {
            DatabaseSettings settings = createDatabase();
            DatabaseMigrations.migrate(settings);
            repository = NonconformityRepository.open(settings);
            register = new NonconformityRegister(repository, RegisterPolicy.defaults(), AssetInventory.empty(), clock);
        }

        @AfterEach
        void close() throws Exception {
            repository.close();
            dropDatabase();
        }

        @Test
        void lastSeenMovesWithoutChangingTheVersionSoTheNextChangeAndAPersonsActionAreStored() {
            cycle(Set.of(finding(ROOT_LOGIN, "web-1", "PermitRootLogin yes"), finding(PASSWORDS, "web-1", "PasswordAuthentication yes")));
            // the root login evidence changes; the password finding is unchanged, but its source was read again
            cycle(Set.of(finding(ROOT_LOGIN, "web-1", "PermitRootLogin prohibit-password"),
                    finding(PASSWORDS, "web-1", "PasswordAuthentication yes")));
            Nonconformity unchanged = stored(PASSWORDS, "web-1");
            assertThat(unchanged.getLastSeen()).isEqualTo(clock.instant());
            assertThat(unchanged.getVersion()).isEqualTo(1);

            List<Change> changes = cycle(Set.of(finding(ROOT_LOGIN, "web-1", "PermitRootLogin prohibit-password"),
                    finding(PASSWORDS, "web-1", "PasswordAuthentication yes", "KbdInteractiveAuthentication yes")));
            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.UPDATED);

            Nonconformity shown = stored(ROOT_LOGIN, "web-1");
            Change acknowledged = register.act(shown.getId(), LifecycleAction.ACKNOWLEDGE, new ActionRequest("seen, on it", null,
                    null, null, null, null, null, null, null, null, shown.getVersion(), null), "alice");
            assertThat(acknowledged.nonconformity().getStatus()).isEqualTo(NonconformityStatus.ACKNOWLEDGED);
        }

        @Test
        void lastSeenOfManyUnchangedFindingsIsStoredOverSeveralCycles() {
            int assets = NonconformityRegister.SEEN_WRITES_PER_CYCLE + 200;
            Set<Finding> findings = IntStream.range(0, assets)
                    .mapToObj(i -> finding(ROOT_LOGIN, "host-" + i, "PermitRootLogin yes")).collect(Collectors.toSet());
            Instant opened = clock.instant().plusSeconds(60);
            cycle(findings);
            Instant reread = clock.instant().plusSeconds(60);
            assertThat(cycle(findings)).isEmpty();

            Map<Instant, Long> stored = lastSeenCounts();
            assertThat(stored).containsOnly(Map.entry(reread, (long) NonconformityRegister.SEEN_WRITES_PER_CYCLE),
                    Map.entry(opened, 200L));

            // a cycle that read nothing stores the rest, with when they were seen
            clock.advance(Duration.ofMinutes(1));
            register.reconcile(new EvaluationResult(clock.instant(), findings, scopes(findings), Set.of(), 0, List.of(), Set.of()),
                    LOOKUP);
            assertThat(lastSeenCounts()).containsOnly(Map.entry(reread, (long) assets));
        }

        @Test
        void manyChangesAreStoredInOneCommitAndARefusedRowDoesNotHoldBackTheOthers() {
            List<Change> changes = cycle(Set.of(finding(ROOT_LOGIN, "web-1", "PermitRootLogin yes"),
                    finding(OVERLONG, "web-1", "anything"), finding(PASSWORDS, "web-1", "PasswordAuthentication yes"),
                    finding(ROOT_LOGIN, "web-2", "PermitRootLogin yes")));

            assertThat(changes).extracting(change -> change.nonconformity().getRuleId() + "@" + change.nonconformity().getAsset())
                    .containsExactlyInAnyOrder("sshd_root_login_disabled@web-1", "sshd_password_authentication_disabled@web-1",
                            "sshd_root_login_disabled@web-2");
            assertThat(register.rejectedRows()).isEqualTo(1);
            assertThat(repository.findActive()).hasSize(3);
            assertThat(repository.verifyAuditTrail().valid()).isTrue();
            assertThat(repository.verifyAuditTrail().entries()).isEqualTo(3);
        }

        /** One evaluation cycle a minute after the last, in which every finding's source was read again. */
        private List<Change> cycle(Set<Finding> findings) {
            clock.advance(Duration.ofMinutes(1));
            Set<EvidenceScope> read = scopes(findings);
            return register.reconcile(new EvaluationResult(clock.instant(), findings, read, read, findings.size(), List.of(), Set.of()),
                    LOOKUP);
        }

        private Nonconformity stored(RuleDefinition rule, String asset) {
            return repository.findActive().stream().filter(n -> n.getRuleId().equals(rule.id()) && n.getAsset().equals(asset))
                    .findFirst().orElseThrow();
        }

        private Map<Instant, Long> lastSeenCounts() {
            return repository.findActive().stream().collect(Collectors.groupingBy(Nonconformity::getLastSeen, Collectors.counting()));
        }
    }

    private static Set<EvidenceScope> scopes(Set<Finding> findings) {
        Set<EvidenceScope> scopes = new HashSet<>();
        findings.forEach(f -> scopes.add(new EvidenceScope("sshd_config", f.getAsset())));
        return scopes;
    }

    private static Finding finding(RuleDefinition rule, String asset, String... evidence) {
        return new Finding(rule.id(), rule.controls(), asset, rule.severity(), String.join("\n", evidence));
    }
}
