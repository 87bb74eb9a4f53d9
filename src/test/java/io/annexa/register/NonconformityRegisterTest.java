package io.annexa.register;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evaluation.RuleLibraryException;
import io.annexa.evaluation.Severity;
import io.annexa.evidence.EvidenceScope;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The register's lifecycle of nonconformities, run unchanged against the embedded H2 database and the
 * PostgreSQL server on this machine (one fresh schema per test).
 */
class NonconformityRegisterTest {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

    private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T2 = T1.plusSeconds(3600);
    private static final Instant T3 = T2.plusSeconds(3600);
    private static final Instant T4 = T3.plusSeconds(3600);

    private static RuleLibrary library;
    private static RuleDefinition rootLogin;
    private static RuleDefinition passwords;
    /** Not in the library: the only way to have a rule whose first control is not 8.5. */
    private static final RuleDefinition FIREWALL = new RuleDefinition("nftables_default_deny",
            "The host firewall drops what it does not allow", List.of("8.20"), Severity.MEDIUM, List.of("nftables"),
            "", "", Map.of(), Path.of("rules/technological/c8_20_networks_security/nftables_default_deny"),
            "technological.c8_20_networks_security.nftables_default_deny");

    /** A title longer than the register's column: the database refuses its rows. */
    private static final RuleDefinition OVERLONG = new RuleDefinition("sshd_overlong_title", "t".repeat(600),
            List.of("8.5"), Severity.LOW, List.of("sshd_config"), "", "", Map.of(),
            Path.of("rules/technological/c8_05_secure_authentication/sshd_overlong_title"),
            "technological.c8_05_secure_authentication.sshd_overlong_title");

    /** A temporal rule: its findings are incidents, things that happened, not states that hold. */
    private static final RuleDefinition BRUTE_FORCE = new RuleDefinition("auth_brute_force_detected",
            "Repeated failed logins from one source", List.of("8.16", "8.5"), Severity.HIGH, List.of("log"),
            "", "", Map.of(), Path.of("rules/technological/c8_16_monitoring_activities/auth_brute_force_detected"),
            "technological.c8_16_monitoring_activities.auth_brute_force_detected");

    @BeforeAll
    static void loadLibrary() throws RuleLibraryException, java.io.IOException {
        library = RuleLibrary.load(ProjectFiles.rulesSubset(java.nio.file.Files.createTempDirectory("annexa-rules"), ProjectFiles.SSHD_RULES),
                ControlCatalog.load());
        rootLogin = library.rule("sshd_root_login_disabled").orElseThrow();
        passwords = library.rule("sshd_password_authentication_disabled").orElseThrow();
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

        private DatabaseSettings settings;
        private NonconformityRepository repository;
        private NonconformityRegister register;

        abstract DatabaseSettings createDatabase() throws Exception;

        void dropDatabase() throws Exception {
        }

        @BeforeEach
        void openRegister() throws Exception {
            settings = createDatabase();
            repository = NonconformityRepository.open(settings);
            register = new NonconformityRegister(repository);
        }

        @AfterEach
        void closeRegister() throws Exception {
            try {
                if (repository != null) {
                    repository.close();
                }
            } finally {
                dropDatabase();
            }
        }

        @Test
        void aFindingOpensANonconformity() {
            Finding finding = rootLoginFinding("web1", "root may log in over SSH: PermitRootLogin yes (/etc/ssh/sshd_config:32)");

            List<Change> changes = reconcile(at(T1).finding(finding).read("web1"));

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.OPENED);
            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getId()).isNotNull().isEqualTo(changes.get(0).nonconformity().getId());
                assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.OPEN);
                assertThat(nc.getRuleId()).isEqualTo("sshd_root_login_disabled");
                assertThat(nc.getRuleTitle()).isEqualTo(rootLogin.title());
                assertThat(nc.getControl()).isEqualTo("8.5");
                assertThat(nc.getControls()).containsExactly("8.5", "8.2");
                assertThat(nc.getRequirement()).isEqualTo("A.8.5");
                assertThat(nc.isIncident()).isFalse();
                assertThat(nc.getAsset()).isEqualTo("web1");
                assertThat(nc.getSeverity()).isEqualTo("high");
                assertThat(nc.getFirstSeen()).isEqualTo(T1);
                assertThat(nc.getLastSeen()).isEqualTo(T1);
                assertThat(nc.getResolvedAt()).isNull();
                assertThat(nc.getEvidence()).isEqualTo(finding.getEvidence());
            });
            assertThat(repository.find(changes.get(0).nonconformity().getId())).isPresent();
            assertThat(register.openCount()).isEqualTo(1);
        }

        @Test
        void theSameFindingReReadUpdatesLastSeenWithoutASecondRow() {
            Finding finding = rootLoginFinding("web1", "root may log in over SSH: PermitRootLogin yes (/etc/ssh/sshd_config:32)");
            reconcile(at(T1).finding(finding).read("web1"));

            List<Change> changes = reconcile(at(T2).finding(finding).read("web1"));

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.UPDATED);
            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.OPEN);
                assertThat(nc.getFirstSeen()).isEqualTo(T1);
                assertThat(nc.getLastSeen()).isEqualTo(T2);
            });
        }

        @Test
        void aCycleThatDidNotReReadTheAssetChangesNothing() {
            Finding finding = rootLoginFinding("web1", "root may log in over SSH: PermitRootLogin yes (/etc/ssh/sshd_config:32)");
            reconcile(at(T1).finding(finding).read("web1"));

            List<Change> changes = reconcile(at(T2).finding(finding).observed("web1").read("web2"));

            assertThat(changes).isEmpty();
            assertThat(all()).singleElement().satisfies(nc -> assertThat(nc.getLastSeen()).isEqualTo(T1));
        }

        @Test
        void changedEvidenceIsRecordedOnTheOpenNonconformity() {
            reconcile(at(T1).finding(rootLoginFinding("web1", "PermitRootLogin yes (/etc/ssh/sshd_config:32)")).read("web1"));

            List<Change> changes = reconcile(at(T2)
                    .finding(rootLoginFinding("web1", "PermitRootLogin prohibit-password (/etc/ssh/sshd_config:33)"))
                    .read("web1"));

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.UPDATED);
            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getEvidence()).isEqualTo("PermitRootLogin prohibit-password (/etc/ssh/sshd_config:33)");
                assertThat(nc.getLastSeen()).isEqualTo(T2);
            });
        }

        @Test
        void allFindingsOfOneRuleAndAssetMakeOneNonconformity() {
            List<Change> changes = reconcile(at(T1)
                    .finding(rootLoginFinding("web1", "root may log in over SSH: PermitRootLogin yes in 'Match User admin' (f:40)"))
                    .finding(rootLoginFinding("web1", "root may log in over SSH: PermitRootLogin prohibit-password (f:32)"))
                    .read("web1"));

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.OPENED);
            assertThat(all()).singleElement().extracting(Nonconformity::getEvidence).isEqualTo(
                    "root may log in over SSH: PermitRootLogin prohibit-password (f:32)\n"
                            + "root may log in over SSH: PermitRootLogin yes in 'Match User admin' (f:40)");
        }

        @Test
        void aFindingGoneWhileTheSourceIsObservedResolves() {
            reconcile(at(T1).finding(rootLoginFinding("web1", "PermitRootLogin yes")).read("web1"));

            List<Change> changes = reconcile(at(T2).read("web1"));

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.RESOLVED);
            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.RESOLVED);
                assertThat(nc.getResolvedAt()).isEqualTo(T2);
                assertThat(nc.getFirstSeen()).isEqualTo(T1);
                assertThat(nc.getLastSeen()).isEqualTo(T1);
            });
            assertThat(repository.findOpen()).isEmpty();
            assertThat(register.openCount()).isZero();
        }

        @Test
        void aFindingGoneWithoutEvidenceOfTheRulesSourcesStaysOpen() {
            reconcile(at(T1).finding(rootLoginFinding("web1", "PermitRootLogin yes")).read("web1"));

            // a fresh start: nothing read yet
            assertThat(reconcile(at(T2))).isEmpty();
            // another asset's sshd_config, and another kind of evidence for web1, say nothing about this rule on web1
            assertThat(reconcile(at(T3).read("web2").observed(new EvidenceScope("auth_log", "web1")))).isEmpty();

            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.OPEN);
                assertThat(nc.getResolvedAt()).isNull();
            });
            assertThat(register.openCount()).isEqualTo(1);
        }

        @Test
        void aRecurrenceAfterResolutionOpensANewNonconformity() {
            reconcile(at(T1).finding(rootLoginFinding("web1", "PermitRootLogin yes")).read("web1"));
            reconcile(at(T2).read("web1"));

            List<Change> changes = reconcile(at(T3).finding(rootLoginFinding("web1", "PermitRootLogin yes")).read("web1"));

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.OPENED);
            List<Nonconformity> rows = all();
            assertThat(rows).extracting(Nonconformity::getStatus, Nonconformity::getFirstSeen, Nonconformity::getResolvedAt)
                    .containsExactly(
                            tuple(NonconformityStatus.RESOLVED, T1, T2),
                            tuple(NonconformityStatus.OPEN, T3, null));
            assertThat(rows.get(0).getId()).isNotEqualTo(rows.get(1).getId());
            assertThat(register.openCount()).isEqualTo(1);
        }

        @Test
        void aRuleTheLibraryNoLongerKnowsLeavesItsNonconformityAlone() {
            reconcile(at(T1).finding(rootLoginFinding("web1", "PermitRootLogin yes")).read("web1"));
            Function<String, Optional<RuleDefinition>> withoutRootLogin =
                    id -> id.equals(rootLogin.id()) ? Optional.empty() : library.rule(id);

            assertThat(register.reconcile(at(T2).read("web1").result(), withoutRootLogin)).isEmpty();
            assertThat(register.reconcile(at(T3).finding(rootLoginFinding("web1", "other")).read("web1").result(),
                    withoutRootLogin)).isEmpty();

            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.OPEN);
                assertThat(nc.getLastSeen()).isEqualTo(T1);
                assertThat(nc.getEvidence()).isEqualTo("PermitRootLogin yes");
            });
        }

        @Test
        void aFindingOfAnUnknownRuleOpensNothing() {
            Finding stray = new Finding("no_such_rule", List.of("8.5"), "web1", Severity.LOW, "whatever");

            assertThat(reconcile(at(T1).finding(stray).read("web1"))).isEmpty();
            assertThat(all()).isEmpty();
        }

        @Test
        void openNonconformitiesSurviveARestart() {
            Finding finding = rootLoginFinding("web1", "root may log in over SSH: PermitRootLogin yes (/etc/ssh/sshd_config:32)");
            long id = reconcile(at(T1).finding(finding).read("web1")).get(0).nonconformity().getId();

            restart();

            assertThat(register.openCount()).isEqualTo(1);
            assertThat(repository.findOpen()).singleElement().satisfies(nc -> {
                assertThat(nc.getId()).isEqualTo(id);
                assertThat(nc.getFirstSeen()).isEqualTo(T1);
                assertThat(nc.getControls()).containsExactly("8.5", "8.2");
            });
            // before the sources are read again nothing resolves
            assertThat(reconcile(at(T2))).isEmpty();

            // the same evidence read again refreshes the same nonconformity
            List<Change> changes = reconcile(at(T3).finding(finding).read("web1"));
            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.UPDATED);
            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getId()).isEqualTo(id);
                assertThat(nc.getFirstSeen()).isEqualTo(T1);
                assertThat(nc.getLastSeen()).isEqualTo(T3);
            });

            // ids handed out after the restart do not collide with those from before
            reconcile(at(T4).finding(finding).finding(rootLoginFinding("web2", "PermitRootLogin yes")).read("web1", "web2"));
            restart();
            reconcile(at(T4.plusSeconds(60)).finding(finding).finding(rootLoginFinding("web2", "PermitRootLogin yes"))
                    .finding(rootLoginFinding("web3", "PermitRootLogin yes")).read("web1", "web2", "web3"));
            List<Nonconformity> rows = all();
            assertThat(rows).extracting(Nonconformity::getAsset).containsExactly("web1", "web2", "web3");
            assertThat(rows).extracting(Nonconformity::getId).doesNotHaveDuplicates();
            assertThat(register.openCount()).isEqualTo(3);
        }

        @Test
        void searchFiltersByStatusControlAndAsset() {
            reconcile(at(T1)
                    .finding(rootLoginFinding("web1", "PermitRootLogin yes"))
                    .finding(rootLoginFinding("web2", "PermitRootLogin yes"))
                    .finding(new Finding(passwords.id(), passwords.controls(), "web1", passwords.severity(), "PasswordAuthentication yes"))
                    .finding(new Finding(FIREWALL.id(), FIREWALL.controls(), "web1", FIREWALL.severity(), "policy accept"))
                    .read("web1", "web2").observed(new EvidenceScope("nftables", "web1")));
            // web2 is fixed
            reconcile(at(T2)
                    .finding(rootLoginFinding("web1", "PermitRootLogin yes"))
                    .finding(new Finding(passwords.id(), passwords.controls(), "web1", passwords.severity(), "PasswordAuthentication yes"))
                    .finding(new Finding(FIREWALL.id(), FIREWALL.controls(), "web1", FIREWALL.severity(), "policy accept"))
                    .read("web2").observed("web1").observed(new EvidenceScope("nftables", "web1")));

            assertThat(search(null, null, null)).hasSize(4);
            assertThat(search(null, null, null)).extracting(Nonconformity::getId).as("ordered by id").isSorted();
            assertThat(search(NonconformityStatus.OPEN, null, null)).extracting(Nonconformity::getRuleId, Nonconformity::getAsset)
                    .containsExactlyInAnyOrder(
                            tuple("sshd_password_authentication_disabled", "web1"),
                            tuple("nftables_default_deny", "web1"),
                            tuple("sshd_root_login_disabled", "web1"));
            assertThat(search(NonconformityStatus.RESOLVED, null, null)).extracting(Nonconformity::getAsset).containsExactly("web2");
            assertThat(search(null, "8.20", null)).extracting(Nonconformity::getRuleId).containsExactly("nftables_default_deny");
            assertThat(search(null, "8.5", null)).hasSize(3);
            assertThat(search(null, null, "web2")).extracting(Nonconformity::getRuleId).containsExactly("sshd_root_login_disabled");
            assertThat(search(NonconformityStatus.OPEN, "8.5", "web1")).extracting(Nonconformity::getRuleId)
                    .containsExactlyInAnyOrder("sshd_root_login_disabled", "sshd_password_authentication_disabled");
            assertThat(search(NonconformityStatus.OPEN, "8.5", "web2")).isEmpty();
            assertThat(search(null, "9.99", null)).isEmpty();
        }

        @Test
        void longEvidenceIsTruncatedAndNotRewrittenByCyclesThatDidNotReReadIt() {
            String evidence = "PermitRootLogin yes " + "x".repeat(10_000);
            reconcile(at(T1).finding(rootLoginFinding("web1", evidence)).read("web1"));

            assertThat(all()).singleElement().extracting(Nonconformity::getEvidence).satisfies(stored -> {
                assertThat(stored).hasSizeLessThanOrEqualTo(Nonconformity.EVIDENCE_LIMIT).startsWith("PermitRootLogin yes ")
                        .endsWith("(truncated)");
            });

            // another asset is read; web1's nonconformity has nothing new
            assertThat(reconcile(at(T2).finding(rootLoginFinding("web1", evidence)).observed("web1").read("web2"))).isEmpty();
            assertThat(all()).singleElement().extracting(Nonconformity::getLastSeen).isEqualTo(T1);
        }

        @Test
        void incidentsOpenOneNonconformityThatCollectsEveryOffenderAndIsNeverResolvedByQuiet() {
            List<Change> first = reconcile(at(T1).incident(bruteForce("web1", "203.0.113.5: 5 failed logins 10:00:01-10:00:09")));
            assertThat(first).extracting(Change::kind).containsExactly(ChangeKind.OPENED);
            long id = first.get(0).nonconformity().getId();

            List<Change> second = reconcile(at(T2)
                    .incident(bruteForce("web1", "198.51.100.7: 6 failed logins 11:00:00-11:04:00"))
                    .incident(bruteForce("web2", "192.0.2.9: 5 failed logins 11:01:00-11:02:00")));
            assertThat(second).extracting(Change::kind).containsExactlyInAnyOrder(ChangeKind.UPDATED, ChangeKind.OPENED);

            // the same burst reported again (a replayed file) adds nothing
            assertThat(reconcile(at(T3).incident(bruteForce("web1", "203.0.113.5: 5 failed logins 10:00:01-10:00:09")))).isEmpty();
            // a later cycle with fresh log evidence of web1 and no burst: what happened stays on record
            assertThat(reconcile(at(T4).observed(new EvidenceScope("log", "web1")).refreshed(new EvidenceScope("log", "web1")))).isEmpty();

            assertThat(search(null, null, "web1")).singleElement().satisfies(nc -> {
                assertThat(nc.getId()).isEqualTo(id);
                assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.OPEN);
                assertThat(nc.getControl()).isEqualTo("8.16");
                assertThat(nc.isIncident()).isTrue();
                assertThat(nc.getFirstSeen()).isEqualTo(T1);
                assertThat(nc.getLastSeen()).isEqualTo(T2);
                assertThat(nc.getEvidence()).isEqualTo("198.51.100.7: 6 failed logins 11:00:00-11:04:00\n"
                        + "203.0.113.5: 5 failed logins 10:00:01-10:00:09");
            });
            assertThat(search(null, null, "web2")).singleElement().extracting(Nonconformity::getEvidence)
                    .isEqualTo("192.0.2.9: 5 failed logins 11:01:00-11:02:00");
            assertThat(register.openCount()).isEqualTo(2);
        }

        @Test
        void aRowTheDatabaseRefusesIsLeftOutAndNeverBlocksTheOthers() {
            // once a 300-character asset name: the whole transaction failed, and was retried for ever
            Finding refused = new Finding(OVERLONG.id(), OVERLONG.controls(), "web1", OVERLONG.severity(), "too long a title");
            Finding rootLogin = rootLoginFinding("web1", "PermitRootLogin yes");

            List<Change> first = reconcileWithOverlong(at(T1).finding(refused).finding(rootLogin).read("web1"));

            assertThat(first).extracting(c -> c.nonconformity().getRuleId()).containsExactly("sshd_root_login_disabled");
            assertThat(register.rejectedRows()).isEqualTo(1);

            Finding passwordAuth = new Finding(passwords.id(), passwords.controls(), "web1", passwords.severity(), "PasswordAuthentication yes");
            List<Change> second = reconcileWithOverlong(at(T2).finding(refused).finding(rootLogin).finding(passwordAuth).read("web1"));

            assertThat(second).extracting(Change::kind, c -> c.nonconformity().getRuleId()).contains(
                    tuple(ChangeKind.OPENED, "sshd_password_authentication_disabled"));
            assertThat(all()).extracting(Nonconformity::getRuleId)
                    .containsExactlyInAnyOrder("sshd_root_login_disabled", "sshd_password_authentication_disabled");
            assertThat(register.rejectedRows()).isEqualTo(2);
            assertThat(register.openCount()).isEqualTo(2);
        }

        private List<Change> reconcileWithOverlong(ResultBuilder builder) {
            return register.reconcile(builder.result(), id -> library.rule(id).or(() -> Stream.of(OVERLONG)
                    .filter(rule -> rule.id().equals(id)).findFirst()));
        }

        // ------------------------------------------------------------ helpers

        private List<Change> reconcile(ResultBuilder builder) {
            return register.reconcile(builder.result(), id -> library.rule(id).or(() -> Stream.of(FIREWALL, BRUTE_FORCE)
                    .filter(rule -> rule.id().equals(id)).findFirst()));
        }

        private void restart() {
            repository.close();
            repository = NonconformityRepository.open(settings);
            register = new NonconformityRegister(repository);
        }

        private List<Nonconformity> all() {
            return repository.search(NonconformityFilter.all());
        }

        private List<Nonconformity> search(NonconformityStatus status, String control, String asset) {
            return repository.search(new NonconformityFilter(Optional.ofNullable(status), Optional.ofNullable(control),
                    Optional.ofNullable(asset)));
        }
    }

    // ---------------------------------------------------------------- building results

    private static Finding rootLoginFinding(String asset, String evidence) {
        return new Finding(rootLogin.id(), rootLogin.controls(), asset, rootLogin.severity(), evidence);
    }

    private static Finding bruteForce(String asset, String evidence) {
        return new Finding(BRUTE_FORCE.id(), BRUTE_FORCE.controls(), asset, BRUTE_FORCE.severity(), evidence, true);
    }

    private static ResultBuilder at(Instant at) {
        return new ResultBuilder(at);
    }

    /** An {@link EvaluationResult} as the session would report it after one cycle. */
    private static final class ResultBuilder {
        private final Instant at;
        private final Set<Finding> findings = new java.util.HashSet<>();
        private final Set<EvidenceScope> observed = new java.util.HashSet<>();
        private final Set<EvidenceScope> refreshed = new java.util.HashSet<>();
        private final List<Finding> incidents = new java.util.ArrayList<>();

        ResultBuilder(Instant at) {
            this.at = at;
        }

        ResultBuilder finding(Finding finding) {
            findings.add(finding);
            return this;
        }

        /** The sshd_config of these assets was (re-)read in this cycle. */
        ResultBuilder read(String... assets) {
            for (String asset : assets) {
                EvidenceScope scope = new EvidenceScope("sshd_config", asset);
                observed.add(scope);
                refreshed.add(scope);
            }
            return this;
        }

        /** The session still holds the sshd_config of this asset from an earlier cycle. */
        ResultBuilder observed(String asset) {
            return observed(new EvidenceScope("sshd_config", asset));
        }

        ResultBuilder observed(EvidenceScope scope) {
            observed.add(scope);
            return this;
        }

        ResultBuilder refreshed(EvidenceScope scope) {
            refreshed.add(scope);
            return this;
        }

        ResultBuilder incident(Finding incident) {
            incidents.add(incident);
            return this;
        }

        EvaluationResult result() {
            return new EvaluationResult(at, findings, observed, refreshed, findings.size() + incidents.size(), incidents);
        }
    }
}
