package io.annexa.register;

import static io.annexa.register.RegisterRules.BASELINE;
import static io.annexa.register.RegisterRules.BRUTE_FORCE;
import static io.annexa.register.RegisterRules.PASSWORDS;
import static io.annexa.register.RegisterRules.ROOT_LOGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evaluation.RuleDefinition;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import io.annexa.register.policy.AssetInventory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What the evidence does to the register, on H2 and on PostgreSQL: resolution on fresh evidence only, reopening,
 * closing after the effectiveness period, recurrences and their escalation, a restart, withdrawals, incidents, and
 * the occurrences that keep the evidence whole.
 */
class RegisterEvidenceTest {

    @Nested
    class OnH2 extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) {
            return TestDatabase.h2(directory);
        }
    }

    @Nested
    class OnPostgreSql extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) throws Exception {
            return TestDatabase.postgres();
        }
    }

    abstract static class Contract extends RegisterFixture {

        private static final Duration DAY = Duration.ofDays(1);
        private static final String ROOT_YES = "root may log in over SSH: PermitRootLogin yes (/etc/ssh/sshd_config:32)";

        // ------------------------------------------------------------ resolution, reopening, closing

        @Test
        void aFindingGoneResolvesOnlyWhileTheSessionHoldsItsEvidenceReadSinceStart() {
            long id = raise(ROOT_LOGIN, "web1", ROOT_YES);
            restart();
            later(Duration.ofHours(1));

            // the finding is gone but the restarted engine holds nothing yet, or only what it had not read since start
            assertThat(cycle().reconcile()).isEmpty();
            assertThat(cycle().holds("sshd_config", "web1").reconcile()).isEmpty();
            // another asset's file, or another kind of evidence of web1, says nothing about this rule on web1
            assertThat(cycle().read("sshd_config", "web2").read("log", "web1").reconcile()).isEmpty();
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.OPEN);

            later(Duration.ofMinutes(5));
            List<Change> changes = cycle().read(ROOT_LOGIN, "web1").reconcile();

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.RESOLVED);
            Nonconformity nc = find(id);
            assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.RESOLVED);
            assertThat(nc.getResolvedAt()).isEqualTo(clock.instant());
            assertThat(nc.getFirstSeen()).isEqualTo(START);
            assertThat(history(id)).containsExactly("system open null->open", "system resolve open->resolved");
        }

        @Test
        void fixingOneOfSeveralFilesResolvesWithoutTheOthersBeingReadAgain() {
            // files are read again only when they change: the unchanged ones are as current as the session holds them
            String drift = "sshd_config MaxAuthTries 6, baseline 4";
            long id = cycle().finding(BASELINE, "db1", drift)
                    .read("sshd_config", "db1").read("pam.d", "db1").read("login.defs", "db1").reconcile().get(0).nonconformity().getId();
            later(Duration.ofHours(1));

            List<Change> changes = cycle().read("sshd_config", "db1").holds("pam.d", "db1").holds("login.defs", "db1").reconcile();

            assertThat(changes).extracting(Change::kind, c -> c.nonconformity().getId()).containsExactly(tuple(ChangeKind.RESOLVED, id));
        }

        @Test
        void evidenceRemovedWhileTheFindingStaysIsNoLongerWaitedFor() {
            String drift = "sshd_config MaxAuthTries 6, baseline 4";
            long id = cycle().finding(BASELINE, "db1", drift).read("sshd_config", "db1").read("sudoers", "db1").reconcile()
                    .get(0).nonconformity().getId();
            later(Duration.ofHours(1));
            // sudoers deleted; the drift in sshd_config is still there
            assertThat(cycle().finding(BASELINE, "db1", drift).holds("sshd_config", "db1").removed("sudoers", "db1").reconcile())
                    .extracting(Change::kind).containsExactly(ChangeKind.UPDATED);
            assertThat(find(id).getEvidenceSources()).containsExactly("sshd_config");
            restart();

            later(Duration.ofHours(1));
            List<Change> changes = cycle().read("sshd_config", "db1").reconcile();

            assertThat(changes).extracting(Change::kind, c -> c.nonconformity().getId()).containsExactly(tuple(ChangeKind.RESOLVED, id));
        }

        @Test
        void aFileDeletedWhileDownLeavesTheOtherFilesToDecideAndKeepsTheId() {
            String drift = "sshd_config MaxAuthTries 6, baseline 4; login.defs PASS_MAX_DAYS 99999, baseline 90";
            long id = cycle().finding(BASELINE, "db1", drift)
                    .read("sshd_config", "db1").read("pam.d", "db1").read("login.defs", "db1").reconcile().get(0).nonconformity().getId();
            restart();
            later(Duration.ofHours(1));

            // the check at start finds pam.d's file gone before anything else is read: only what it rests on changes
            assertThat(cycle().removed("pam.d", "db1").reconcile()).extracting(Change::kind).containsExactly(ChangeKind.UPDATED);
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.OPEN);
            assertThat(find(id).getEvidenceSources()).containsExactlyInAnyOrder("sshd_config", "login.defs");

            // the other files still show the drift: the same nonconformity, not a new one
            later(Duration.ofMinutes(1));
            assertThat(cycle().finding(BASELINE, "db1", drift).read("sshd_config", "db1").read("login.defs", "db1").reconcile())
                    .isEmpty();
            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getId()).isEqualTo(id);
                assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.OPEN);
            });

            // and once every file it rested on is gone, it is withdrawn
            later(Duration.ofMinutes(1));
            assertThat(cycle().removed("sshd_config", "db1").removed("login.defs", "db1").reconcile())
                    .extracting(Change::kind).containsExactly(ChangeKind.WITHDRAWN);
            assertWithdrawn(id, "evidence-removed");
        }

        // ------------------------------------------------------------ a finding reconciled again as it was

        @Test
        void aFindingReconciledAgainUnchangedChangesNothingYetEachReadAndEachNewPieceOfEvidenceCounts() {
            long id = raise(ROOT_LOGIN, "web1", ROOT_YES);
            later(Duration.ofHours(1));
            assertThat(cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).holds("sshd_config", "web1").reconcile()).isEmpty();
            assertThat(cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).holds("sshd_config", "web1").reconcile()).isEmpty();
            assertThat(find(id).getLastSeen()).isEqualTo(START);

            later(Duration.ofHours(1));
            assertThat(cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).read(ROOT_LOGIN, "web1").reconcile()).isEmpty();
            assertThat(find(id).getLastSeen()).as("a re-read file shows the finding again").isEqualTo(clock.instant());

            later(Duration.ofHours(1));
            String moved = "root may log in over SSH: PermitRootLogin yes (/etc/ssh/sshd_config:40)";
            assertThat(cycle().finding(ROOT_LOGIN, "web1", moved).holds("sshd_config", "web1").reconcile())
                    .extracting(Change::kind, c -> c.nonconformity().getId()).containsExactly(tuple(ChangeKind.UPDATED, id));
            assertThat(occurrences(id)).extracting(Occurrence::getSummary).containsExactlyInAnyOrder(ROOT_YES, moved);
        }

        @Test
        void aClaimedFixOnAFindingThatStayedAsItWasIsJudgedByTheNextRead() {
            long id = raise(ROOT_LOGIN, "web1", ROOT_YES);
            later(Duration.ofHours(1));
            cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).holds("sshd_config", "web1").reconcile();
            act(id, LifecycleAction.RESOLVE, comment("PermitRootLogin set to no"), ANALYST);
            later(Duration.ofHours(1));
            // nothing read since the claim: the finding the session still holds says nothing about the fix
            assertThat(cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).holds("sshd_config", "web1").reconcile()).isEmpty();
            assertThat(cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).holds("sshd_config", "web1").reconcile()).isEmpty();
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.PENDING_VERIFICATION);

            later(Duration.ofMinutes(5));
            List<Change> changes = cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).read(ROOT_LOGIN, "web1").reconcile();

            assertThat(changes).extracting(Change::kind, c -> c.nonconformity().getId()).containsExactly(tuple(ChangeKind.REOPENED, id));
        }

        @Test
        void anAssetDecommissionedWhileItsFindingStaysAsItWasHasItsNonconformityWithdrawn() throws Exception {
            long id = raise(ROOT_LOGIN, "web1", ROOT_YES);
            later(Duration.ofHours(1));
            cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).holds("sshd_config", "web1").reconcile();
            configure(policy, web1Decommissioned());

            assertThat(cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).holds("sshd_config", "web1").reconcile())
                    .extracting(Change::kind, c -> c.nonconformity().getId()).containsExactly(tuple(ChangeKind.WITHDRAWN, id));
        }

        @Test
        void aFindingCitingItsOwnControlsAndSeverityIsRaisedWithThem() {
            io.annexa.evaluation.Finding medium = new io.annexa.evaluation.Finding(RegisterRules.OPENSCAP.id(), List.of("8.8", "8.32"), "vm",
                    io.annexa.evaluation.Severity.MEDIUM, "OpenSCAP rule a, severity medium: fail on vm");
            io.annexa.evaluation.Finding high = new io.annexa.evaluation.Finding(RegisterRules.OPENSCAP.id(), List.of("8.9", "8.8"), "vm",
                    io.annexa.evaluation.Severity.HIGH, "OpenSCAP rule b, severity high: fail on vm");

            List<Change> changes = cycle().finding(medium).finding(high).read(RegisterRules.OPENSCAP, "vm").reconcile();

            Nonconformity nc = changes.stream().filter(c -> c.kind() == ChangeKind.OPENED).findFirst().orElseThrow().nonconformity();
            assertThat(nc.getControls()).containsExactly("8.9", "8.8", "8.32");
            assertThat(nc.getControl()).isEqualTo("8.9");
            assertThat(nc.getSeverity()).isEqualTo("high");
            // graded by the check's severity: the rule.yml's medium would make it minor
            assertThat(nc.getGrade()).isEqualTo("major");
        }

        @Test
        void aFindingBackWhileResolvedReopensTheSameNonconformityWithANewOccurrence() {
            long id = raise(ROOT_LOGIN, "web1", ROOT_YES);
            later(Duration.ofHours(1));
            cycle().read(ROOT_LOGIN, "web1").reconcile();
            later(Duration.ofHours(1));

            List<Change> changes = cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).read(ROOT_LOGIN, "web1").reconcile();

            assertThat(changes).extracting(Change::kind, c -> c.nonconformity().getId()).containsExactly(
                    tuple(ChangeKind.REOPENED, id));
            Nonconformity nc = find(id);
            assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.REOPENED);
            assertThat(nc.getRecurrenceCount()).isEqualTo(1);
            assertThat(nc.getResolvedAt()).isNull();
            assertThat(nc.getRaisedAt()).isEqualTo(clock.instant());
            // the same text, seen again in a new episode, is a new occurrence
            assertThat(nc.getOccurrenceCount()).isEqualTo(2);
            assertThat(occurrences(id)).extracting(Occurrence::getObservedAt)
                    .containsExactly(START, clock.instant());
            assertThat(all()).hasSize(1);
            assertThat(history(id)).last().isEqualTo("system reopen resolved->reopened");
        }

        @Test
        void aResolvedNonconformityClosesAfterTheEffectivenessPeriodAndARecurrenceOpensANewOneLinkedToIt() {
            long id = raise(ROOT_LOGIN, "web1", ROOT_YES);
            later(Duration.ofHours(1));
            cycle().read(ROOT_LOGIN, "web1").reconcile();
            Instant resolved = clock.instant();

            clock.set(resolved.plus(policy.effectivenessPeriod()).minusSeconds(1));
            assertThat(register.tick()).isEmpty();
            clock.set(resolved.plus(policy.effectivenessPeriod()));
            List<Change> closing = register.tick();

            assertThat(closing).extracting(Change::kind).containsExactly(ChangeKind.CLOSED);
            Nonconformity closed = find(id);
            assertThat(closed.getStatus()).isEqualTo(NonconformityStatus.CLOSED);
            assertThat(closed.getClosedAt()).isEqualTo(clock.instant());
            assertThat(closed.getResolvedAt()).isEqualTo(resolved);
            assertThat(history(id)).last().isEqualTo("system close resolved->closed");
            assertThat(register.activeCount()).isZero();

            later(DAY);
            long recurrence = raise(ROOT_LOGIN, "web1", ROOT_YES);

            assertThat(recurrence).isNotEqualTo(id);
            assertThat(find(recurrence).getPreviousId()).isEqualTo(id);
            assertThat(find(recurrence).getStatus()).isEqualTo(NonconformityStatus.OPEN);
            assertThat(find(recurrence).getRecurrenceCount()).isZero();
            assertThat(find(id).getStatus()).as("the closed one stays closed").isEqualTo(NonconformityStatus.CLOSED);
            assertThat(register.activeCount()).isEqualTo(1);
        }

        // ------------------------------------------------------------ recurrence escalation

        @Test
        void aRecurrenceWithinThirtyDaysOfClosingIsEscalatedToMajor() {
            long first = closedNonconformity(PASSWORDS, "web1", "PasswordAuthentication yes");
            Instant closedAt = find(first).getClosedAt();

            clock.set(closedAt.plus(DAY.multipliedBy(29)));
            long recurrence = raise(PASSWORDS, "web1", "PasswordAuthentication yes");

            Nonconformity nc = find(recurrence);
            assertThat(nc.getPreviousId()).isEqualTo(first);
            assertThat(nc.getGrade()).isEqualTo("major");
            assertThat(nc.getEscalation()).isEqualTo("recurrence");
            assertThat(repository.history(recurrence)).singleElement().extracting(AuditEntry::getComment).asString()
                    .contains("recurs nonconformity " + first).contains("escalated to major");
        }

        @Test
        void aRecurrenceMoreThanThirtyDaysAfterClosingKeepsItsGrade() {
            long first = closedNonconformity(PASSWORDS, "web1", "PasswordAuthentication yes");
            Instant closedAt = find(first).getClosedAt();

            clock.set(closedAt.plus(DAY.multipliedBy(31)));
            long recurrence = raise(PASSWORDS, "web1", "PasswordAuthentication yes");

            Nonconformity nc = find(recurrence);
            assertThat(nc.getPreviousId()).isEqualTo(first);
            assertThat(nc.getGrade()).isEqualTo("minor");
            assertThat(nc.getEscalation()).isNull();
        }

        private long closedNonconformity(RuleDefinition rule, String asset, String evidence) {
            long id = raise(rule, asset, evidence);
            assertThat(find(id).getGrade()).isEqualTo("minor");
            later(Duration.ofHours(1));
            cycle().read(rule, asset).reconcile();
            later(policy.effectivenessPeriod());
            register.tick();
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.CLOSED);
            return id;
        }

        // ------------------------------------------------------------ restart

        @Test
        void afterARestartANonconformityOnSeveralSourcesResolvesOnlyWhenAllWereReadAgain() {
            String drift = "sshd_config MaxAuthTries 6, baseline 4; pam.d/common-auth pam_faillock missing;"
                    + " login.defs PASS_MAX_DAYS 99999, baseline 90";
            List<Change> opened = cycle().finding(BASELINE, "db1", drift)
                    .read("sshd_config", "db1").read("pam.d", "db1").read("login.defs", "db1").reconcile();
            long id = opened.get(0).nonconformity().getId();
            assertThat(find(id).getEvidenceSources()).containsExactlyInAnyOrder("sshd_config", "pam.d", "login.defs");

            restart();
            assertThat(register.activeCount()).isEqualTo(1);

            later(Duration.ofHours(1));
            assertThat(cycle().read("sshd_config", "db1").holds("pam.d", "db1").holds("login.defs", "db1").reconcile())
                    .as("only sshd_config was read again").isEmpty();
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.OPEN);

            later(Duration.ofHours(1));
            List<Change> changes = cycle().read("sshd_config", "db1").read("pam.d", "db1").read("login.defs", "db1").reconcile();

            assertThat(changes).extracting(Change::kind, c -> c.nonconformity().getId())
                    .containsExactly(tuple(ChangeKind.RESOLVED, id));
            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getId()).isEqualTo(id);
                assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.RESOLVED);
            });
        }

        @Test
        void afterARestartTheSameFindingContinuesTheSameNonconformity() {
            long id = raise(BASELINE, "db1", "sshd_config MaxAuthTries 6, baseline 4");

            restart();
            later(Duration.ofHours(1));
            List<Change> changes = cycle().finding(BASELINE, "db1", "sshd_config MaxAuthTries 6, baseline 4")
                    .read(BASELINE, "db1").reconcile();

            assertThat(changes).isEmpty();
            assertThat(all()).singleElement().satisfies(nc -> {
                assertThat(nc.getId()).isEqualTo(id);
                assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.OPEN);
                assertThat(nc.getLastSeen()).isEqualTo(clock.instant());
                assertThat(nc.getOccurrenceCount()).isEqualTo(1);
            });
            assertThat(occurrences(id)).hasSize(1);
        }

        // ------------------------------------------------------------ withdrawals

        @Test
        void removedEvidenceWithdrawsWhatRestedOnIt() {
            long id = raise(ROOT_LOGIN, "web1", ROOT_YES);
            later(Duration.ofHours(1));

            List<Change> changes = cycle().removed("sshd_config", "web1").reconcile();

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.WITHDRAWN);
            assertWithdrawn(id, "evidence-removed");
        }

        @Test
        void aRuleNoLongerEnabledWithdrawsItsNonconformities() {
            long[] raised = raiseBoth("web1", ROOT_LOGIN, ROOT_YES, PASSWORDS, "PasswordAuthentication yes");
            long id = raised[0];
            long other = raised[1];
            later(Duration.ofHours(1));
            rules = RegisterRules.without(ROOT_LOGIN);

            List<Change> changes = cycle().finding(PASSWORDS, "web1", "PasswordAuthentication yes").read(PASSWORDS, "web1").reconcile();

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.WITHDRAWN);
            assertWithdrawn(id, "rule-retired");
            assertThat(find(other).getStatus()).isEqualTo(NonconformityStatus.OPEN);
        }

        @Test
        void anAssetDecommissionedInTheInventoryHasItsUnfixedNonconformitiesWithdrawnAndNoNewOnes() throws Exception {
            long open = raise(ROOT_LOGIN, "web1", ROOT_YES);
            long resolved = raise(PASSWORDS, "web1", "PasswordAuthentication yes");
            later(Duration.ofHours(1));
            cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).read(ROOT_LOGIN, "web1").reconcile();
            assertThat(find(resolved).getStatus()).isEqualTo(NonconformityStatus.RESOLVED);
            configure(policy, web1Decommissioned());
            later(Duration.ofHours(1));

            // the last files read from the server stay in the session: its finding is still there
            List<Change> changes = cycle().finding(ROOT_LOGIN, "web1", ROOT_YES)
                    .finding(RegisterRules.LOGIN_DEFS, "web1", "PASS_MAX_DAYS 99999")
                    .read(ROOT_LOGIN, "web1").read("login.defs", "web1").reconcile();

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.WITHDRAWN);
            assertWithdrawn(open, "asset-decommissioned");
            // fixed on evidence before the asset went: it stays resolved and closes after its period, like any other
            assertThat(find(resolved).getStatus()).isEqualTo(NonconformityStatus.RESOLVED);
            assertThat(all()).as("nothing new for a decommissioned asset").hasSize(2);
        }

        private AssetInventory web1Decommissioned() throws Exception {
            return inventoryFile("""
                    assets:
                      - name: web1
                        owner: web-team@example.org
                        criticality: high
                        decommissioned: true
                    """);
        }

        private void assertWithdrawn(long id, String reason) {
            Nonconformity nc = find(id);
            assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.WITHDRAWN);
            assertThat(nc.getWithdrawnReason()).isEqualTo(reason);
            assertThat(nc.getResolvedAt()).as("withdrawn is never resolved").isNull();
            assertThat(repository.history(id)).last().satisfies(entry -> {
                assertThat(entry.getActor()).isEqualTo(AuditEntry.SYSTEM);
                assertThat(entry.getAction()).isEqualTo("withdraw");
                assertThat(entry.getToStatus()).isEqualTo("withdrawn");
                assertThat(entry.getComment()).startsWith(reason + ": ");
            });
            assertThat(repository.findActive()).extracting(Nonconformity::getId).doesNotContain(id);
        }

        // ------------------------------------------------------------ clauses breached

        @Test
        void aRuleNamingItsClausesInRuleYmlHasThemRecordedInsteadOfTheConfiguredOnes() {
            RuleDefinition claused = io.annexa.evaluation.RuleMetadata.withLines(
                    "technological/c8_05_secure_authentication/sshd_root_login_disabled", "clauses: [\"8.1\", \"10.2\"]\n",
                    temp.resolve("rules"));
            assertThat(claused.clauses()).containsExactly("8.1", "10.2");
            rules = id -> id.equals(claused.id()) ? java.util.Optional.of(claused) : RegisterRules.enabled(id);

            long id = raise(claused, "web1", ROOT_YES);
            long configured = raise(PASSWORDS, "web2", "password authentication allowed: PasswordAuthentication yes");
            long gap = raise(RegisterRules.SOURCE_SILENT, "accounts-query", "route accounts-query is expected to deliver every 10m");

            assertThat(find(id).getClauses()).containsExactly("8.1", "10.2");
            assertThat(find(id).getRequirement()).as("the requirement stays the rule's control").isEqualTo("A.8.5");
            assertThat(find(configured).getClauses()).containsExactly("6.1.3", "8.1");
            assertThat(find(gap).getClauses()).containsExactly("9.1");
        }

        @Test
        void clausesChangedInRegisterYmlApplyToWhatOpensAfterwardAndLeaveWhatWasRecorded() throws Exception {
            long before = raise(ROOT_LOGIN, "web1", ROOT_YES);
            long gapBefore = raise(RegisterRules.SOURCE_SILENT, "accounts-query", "route accounts-query is expected to deliver every 10m");

            configure(policyFile("""
                    requirements:
                      control-not-operating: ["8.1"]
                      monitoring-gap: ["9.1", "9.2.1"]
                    """), inventory);
            long after = raise(ROOT_LOGIN, "web2", ROOT_YES);
            long gapAfter = raise(RegisterRules.SOURCE_SILENT, "xccdf-inbox", "route xccdf-inbox is expected to deliver every 1d");

            assertThat(find(after).getClauses()).containsExactly("8.1");
            assertThat(find(gapAfter).getClauses()).containsExactly("9.1", "9.2.1");
            assertThat(find(before).getClauses()).containsExactly("6.1.3", "8.1");
            assertThat(find(gapBefore).getClauses()).containsExactly("9.1");
            // what a nonconformity breaches is recorded with it: the next cycles do not rewrite it
            later(Duration.ofHours(1));
            cycle().finding(ROOT_LOGIN, "web1", ROOT_YES).read(ROOT_LOGIN, "web1").reconcile();
            assertThat(find(before).getClauses()).containsExactly("6.1.3", "8.1");
        }

        // ------------------------------------------------------------ incidents

        @Test
        void anIncidentCollectsBurstsUntilAnAnalystClosesItAndANewBurstThenOpensALinkedEscalatedOne() {
            List<Change> first = cycle().incident(BRUTE_FORCE, "web1", "203.0.113.5: 5 failed logins 10:00:01-10:00:09").reconcile();
            assertThat(first).extracting(Change::kind).containsExactly(ChangeKind.OPENED);
            long id = first.get(0).nonconformity().getId();
            Nonconformity opened = find(id);
            assertThat(opened.isIncident()).isTrue();
            assertThat(opened.getGrade()).isEqualTo("minor");
            assertThat(opened.getEvidenceSources()).containsExactly("log");

            later(Duration.ofHours(1));
            List<Change> second = cycle().incident(BRUTE_FORCE, "web1", "198.51.100.7: 6 failed logins 11:00:00-11:04:00").reconcile();
            assertThat(second).extracting(Change::kind, c -> c.nonconformity().getId())
                    .containsExactly(tuple(ChangeKind.UPDATED, id));
            assertThat(find(id).getOccurrenceCount()).isEqualTo(2);
            assertThat(occurrences(id)).extracting(Occurrence::getSummary).containsExactly(
                    "203.0.113.5: 5 failed logins 10:00:01-10:00:09", "198.51.100.7: 6 failed logins 11:00:00-11:04:00");

            // quiet, with the log read again: what happened stays on record
            later(Duration.ofHours(1));
            assertThat(cycle().read(BRUTE_FORCE, "web1").reconcile()).isEmpty();
            later(DAY.multipliedBy(10));
            assertThat(register.tick()).isEmpty();
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.OPEN);

            act(id, LifecycleAction.CLOSE, comment("source blocked at the firewall"), ANALYST);
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.CLOSED);
            assertThat(find(id).getClosedAt()).isEqualTo(clock.instant());
            assertThat(repository.history(id)).last().satisfies(entry -> {
                assertThat(entry.getActor()).isEqualTo(ANALYST);
                assertThat(entry.getAction()).isEqualTo("close");
                assertThat(entry.getComment()).isEqualTo("source blocked at the firewall");
            });

            later(DAY);
            List<Change> third = cycle().incident(BRUTE_FORCE, "web1", "192.0.2.9: 5 failed logins 09:00:00-09:01:00").reconcile();

            assertThat(third).extracting(Change::kind).containsExactly(ChangeKind.OPENED);
            Nonconformity recurrence = find(third.get(0).nonconformity().getId());
            assertThat(recurrence.getId()).isNotEqualTo(id);
            assertThat(recurrence.getPreviousId()).isEqualTo(id);
            assertThat(recurrence.isIncident()).isTrue();
            assertThat(recurrence.getGrade()).isEqualTo("major");
            assertThat(recurrence.getEscalation()).isEqualTo("recurrence");
        }

        // ------------------------------------------------------------ occurrences

        @Test
        void everyDistinctEvidenceLineIsOneOccurrenceAndTheSameEvidenceReadAgainAddsNone() {
            String first = "PermitRootLogin prohibit-password (/etc/ssh/sshd_config:32)";
            String second = "PermitRootLogin yes in 'Match User admin' (/etc/ssh/sshd_config:40) – Überprüfung";
            long id = cycle().finding(ROOT_LOGIN, "web1", first).finding(ROOT_LOGIN, "web1", second)
                    .read(ROOT_LOGIN, "web1").reconcile().get(0).nonconformity().getId();

            assertThat(occurrences(id)).extracting(Occurrence::getSummary).containsExactlyInAnyOrder(first, second);
            assertThat(occurrences(id)).allSatisfy(o -> {
                assertThat(o.getContentHash()).isEqualTo(sha256(o.getSummary()));
                assertThat(o.getPart()).isEqualTo(1);
                assertThat(o.getParts()).isEqualTo(1);
                assertThat(o.getRuleId()).isEqualTo(ROOT_LOGIN.id());
                assertThat(o.getSource()).isEqualTo("sshd_config");
            });
            assertThat(find(id).getOccurrenceCount()).isEqualTo(2);

            later(Duration.ofHours(1));
            assertThat(cycle().finding(ROOT_LOGIN, "web1", second).finding(ROOT_LOGIN, "web1", first)
                    .read(ROOT_LOGIN, "web1").reconcile()).isEmpty();
            restart();
            later(Duration.ofHours(1));
            assertThat(cycle().finding(ROOT_LOGIN, "web1", first).finding(ROOT_LOGIN, "web1", second)
                    .read(ROOT_LOGIN, "web1").reconcile()).as("after a restart too").isEmpty();
            assertThat(occurrences(id)).hasSize(2);

            later(Duration.ofHours(1));
            String third = "PermitRootLogin yes (/etc/ssh/sshd_config.d/50-cloud.conf:1)";
            cycle().finding(ROOT_LOGIN, "web1", first).finding(ROOT_LOGIN, "web1", third).read(ROOT_LOGIN, "web1").reconcile();

            assertThat(occurrences(id)).extracting(Occurrence::getSummary).containsExactlyInAnyOrder(first, second, third);
            assertThat(find(id).getOccurrenceCount()).isEqualTo(3);
        }

        @Test
        void evidenceLongerThanARowIsSplitIntoPartsThatReassembleExactly() {
            // a character outside the BMP straddles the first boundary: a pair of surrogates must not be cut in two
            String evidence = "a".repeat(V2__RegisterSchema.H2_TEXT - 1) + "\uD83D\uDD11" + "ü".repeat(1_200_000) + " end";
            assertThat(evidence.length()).isGreaterThan(2_000_000);

            long id = raise(ROOT_LOGIN, "web1", evidence);

            List<Occurrence> parts = occurrences(id);
            assertThat(parts).hasSizeGreaterThan(1);
            assertThat(parts).extracting(Occurrence::getPart).containsExactlyElementsOf(
                    IntStream.rangeClosed(1, parts.size()).boxed().toList());
            assertThat(parts).allSatisfy(part -> {
                assertThat(part.getParts()).isEqualTo(parts.size());
                assertThat(part.getSummary().length()).isLessThanOrEqualTo(V2__RegisterSchema.H2_TEXT);
                assertThat(part.getContentHash()).isEqualTo(sha256(evidence));
            });
            String reassembled = parts.stream().map(Occurrence::getSummary).collect(Collectors.joining());
            assertThat(reassembled.equals(evidence)).as("reassembled exactly: %d characters for %d, first difference at %d",
                    reassembled.length(), evidence.length(), firstDifference(reassembled, evidence)).isTrue();
            assertThat(find(id).getOccurrenceCount()).as("one observation").isEqualTo(1);
            assertThat(find(id).getEvidenceSummary()).hasSizeLessThan(EvidenceSummary.LIMIT);

            later(Duration.ofHours(1));
            assertThat(cycle().finding(ROOT_LOGIN, "web1", evidence).read(ROOT_LOGIN, "web1").reconcile()).isEmpty();
            assertThat(occurrences(id)).hasSize(parts.size());
        }

        private static int firstDifference(String a, String b) {
            int i = 0;
            while (i < Math.min(a.length(), b.length()) && a.charAt(i) == b.charAt(i)) {
                i++;
            }
            return i;
        }

        private static String sha256(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }
    }
}
