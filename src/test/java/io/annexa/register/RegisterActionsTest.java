package io.annexa.register;

import static io.annexa.register.LifecycleAction.ACCEPT_RISK;
import static io.annexa.register.LifecycleAction.ACKNOWLEDGE;
import static io.annexa.register.LifecycleAction.CLOSE;
import static io.annexa.register.LifecycleAction.PLAN;
import static io.annexa.register.LifecycleAction.REOPEN;
import static io.annexa.register.LifecycleAction.RESOLVE;
import static io.annexa.register.LifecycleAction.WITHDRAW;
import static io.annexa.register.RegisterRules.BRUTE_FORCE;
import static io.annexa.register.RegisterRules.PASSWORDS;
import static io.annexa.register.RegisterRules.ROOT_LOGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * People's actions on the register ({@link NonconformityRegister#act}): every action from every status a
 * nonconformity can reach, the bodies that are refused, a claimed fix, risk acceptance, overdue escalation and two
 * people acting at once. Run on H2 and on PostgreSQL.
 */
class RegisterActionsTest {

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

        @TestFactory
        Stream<DynamicTest> everyActionFromEveryReachableStatus() {
            List<DynamicTest> tests = new ArrayList<>();
            for (boolean incident : new boolean[] {false, true}) {
                for (NonconformityStatus from : NonconformityStatus.values()) {
                    if (incident && (from == NonconformityStatus.PENDING_VERIFICATION || from == NonconformityStatus.RESOLVED)) {
                        continue; // an incident is never fixed by evidence nor claimed fixed: no way there
                    }
                    for (LifecycleAction action : LifecycleAction.values()) {
                        Optional<NonconformityStatus> to = ExpectedLifecycle.next(from, action, incident);
                        String name = (incident ? "incident " : "state ") + from.label() + " --" + action.label() + "--> "
                                + to.map(NonconformityStatus::label).orElse("refused");
                        tests.add(DynamicTest.dynamicTest(name, () -> actFrom(from, action, incident, to)));
                    }
                }
            }
            return tests.stream();
        }

        private void actFrom(NonconformityStatus from, LifecycleAction action, boolean incident, Optional<NonconformityStatus> to) {
            String asset = (incident ? "i-" : "s-") + from.label() + "-" + action.label();
            long id = driveTo(from, incident, asset);
            Nonconformity before = find(id);
            assertThat(before.getStatus()).as("reached").isEqualTo(from);
            int entries = history(id).size();
            String actor = action == ACCEPT_RISK ? APPROVER : ANALYST;

            if (to.isPresent()) {
                Change change = act(id, action, validBody(action), actor);

                assertThat(change.nonconformity().getStatus()).isEqualTo(to.get());
                Nonconformity after = find(id);
                assertThat(after.getStatus()).isEqualTo(to.get());
                assertThat(after.getVersion()).isEqualTo(before.getVersion() + 1);
                assertThat(history(id)).hasSize(entries + 1)
                        .last().isEqualTo(actor + " " + action.label() + " " + from.label() + "->" + to.get().label());
                if (to.get() == NonconformityStatus.WITHDRAWN) {
                    assertThat(after.getWithdrawnReason()).isEqualTo("false-positive");
                    assertThat(after.getResolvedAt()).as("withdrawn is never resolved").isNull();
                }
                if (action == REOPEN) {
                    assertThat(after.getRecurrenceCount()).isEqualTo(before.getRecurrenceCount() + 1);
                }
            } else {
                assertThatThrownBy(() -> act(id, action, validBody(action), actor))
                        .isInstanceOfSatisfying(LifecycleException.IllegalTransition.class, e -> {
                            assertThat(e.status()).isEqualTo(from.label());
                            assertThat(e.allowed()).isEqualTo(ExpectedLifecycle.allowed(from, incident));
                            assertThat(e.getMessage()).contains(e.allowed().isEmpty() ? "allowed now: none"
                                    : "allowed now: " + String.join(", ", e.allowed()));
                        });
                Nonconformity after = find(id);
                assertThat(after.getStatus()).isEqualTo(from);
                assertThat(after.getVersion()).isEqualTo(before.getVersion());
                assertThat(history(id)).hasSize(entries);
            }
        }

        /** Takes a new nonconformity of its own asset to {@code status} the way it happens in use. */
        private long driveTo(NonconformityStatus status, boolean incident, String asset) {
            long id = incident ? openIncident(asset, "203.0.113.5: 5 failed logins") : raise(ROOT_LOGIN, asset, "PermitRootLogin yes");
            later(Duration.ofMinutes(1));
            switch (status) {
                case OPEN -> {
                }
                case ACKNOWLEDGED -> act(id, ACKNOWLEDGE, comment("looking into it"), ANALYST);
                case ACTION_PLANNED -> act(id, PLAN, plan("set by the image", clock.instant().plus(DAY.multipliedBy(14))), ANALYST);
                case PENDING_VERIFICATION -> act(id, RESOLVE, comment("changed the image"), ANALYST);
                case RESOLVED -> cycle().read(ROOT_LOGIN, asset).reconcile();
                case REOPENED -> {
                    if (incident) {
                        act(id, ACCEPT_RISK, acceptRisk(ANALYST, clock.instant().plus(DAY.multipliedBy(30))), APPROVER);
                        act(id, REOPEN, comment("the appliance stays after all"), ANALYST);
                    } else {
                        cycle().read(ROOT_LOGIN, asset).reconcile();
                        later(Duration.ofMinutes(1));
                        cycle().finding(ROOT_LOGIN, asset, "PermitRootLogin yes").read(ROOT_LOGIN, asset).reconcile();
                    }
                }
                case RISK_ACCEPTED -> act(id, ACCEPT_RISK, acceptRisk(ANALYST, clock.instant().plus(DAY.multipliedBy(30))), APPROVER);
                case CLOSED -> {
                    if (incident) {
                        act(id, CLOSE, comment("blocked at the firewall"), ANALYST);
                    } else {
                        cycle().read(ROOT_LOGIN, asset).reconcile();
                        later(policy.effectivenessPeriod());
                        register.tick();
                    }
                }
                case WITHDRAWN -> act(id, WITHDRAW, withdraw("false-positive"), ANALYST);
            }
            later(Duration.ofMinutes(1));
            return id;
        }

        private ActionRequest validBody(LifecycleAction action) {
            Instant now = clock.instant();
            return switch (action) {
                case ACKNOWLEDGE -> comment("seen");
                case PLAN -> plan("the image enables it", now.plus(DAY.multipliedBy(14)));
                case RESOLVE -> comment("fixed in the image");
                case CLOSE -> comment("dealt with");
                case REOPEN -> comment("not fixed after all");
                case ACCEPT_RISK -> acceptRisk(ANALYST, now.plus(DAY.multipliedBy(30)));
                case WITHDRAW -> withdraw("false-positive");
            };
        }

        private long openIncident(String asset, String evidence) {
            return cycle().incident(BRUTE_FORCE, asset, evidence).reconcile().stream()
                    .filter(c -> c.kind() == ChangeKind.OPENED).findFirst().orElseThrow()
                    .nonconformity().getId();
        }

        // ------------------------------------------------------------ refused bodies

        @Test
        void aRequestMissingOrMisstatingAFieldIsRefusedNamingItAndChangesNothing() throws Exception {
            configure(policyFile("lifecycle:\n  max-risk-acceptance: 30d\n"), inventory);
            long id = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            long version = find(id).getVersion();
            Instant now = clock.instant();
            ActionRequest noRootCause = plan(null, now.plus(DAY));
            ActionRequest dueYesterday = plan("the image enables it", now.minus(DAY));
            ActionRequest ownRequest = acceptRisk(APPROVER, now.plus(DAY));
            ActionRequest tooLong = acceptRisk(ANALYST, now.plus(DAY.multipliedBy(31)));
            ActionRequest unknownReason = withdraw("fixed-it-myself");

            assertInvalid(id, PLAN, noRootCause, ANALYST, "rootCause");
            assertInvalid(id, PLAN, dueYesterday, ANALYST, "dueDate");
            assertInvalid(id, ACCEPT_RISK, ownRequest, APPROVER, "requestedBy");
            assertInvalid(id, ACCEPT_RISK, tooLong, APPROVER, "expiresAt");
            assertInvalid(id, WITHDRAW, unknownReason, ANALYST, "reason");

            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.OPEN);
            assertThat(find(id).getVersion()).isEqualTo(version);
            assertThat(history(id)).containsExactly("system open null->open");
            // the limit is the configured one: 30 days are allowed
            assertThat(act(id, ACCEPT_RISK, acceptRisk(ANALYST, now.plus(DAY.multipliedBy(30))), APPROVER).kind())
                    .isEqualTo(ChangeKind.RISK_ACCEPTED);
        }

        private void assertInvalid(long id, LifecycleAction action, ActionRequest request, String actor, String field) {
            assertThatThrownBy(() -> act(id, action, request, actor))
                    .isInstanceOfSatisfying(LifecycleException.Invalid.class, e -> {
                        assertThat(e.field()).isEqualTo(field);
                        assertThat(e.getMessage()).startsWith(field + ": ");
                    });
        }

        @Test
        void theVersionAPersonReadStaysValidWhileCyclesOnlySeeTheFindingAgain() {
            long id = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            for (int cycle = 0; cycle < 3; cycle++) {
                later(Duration.ofMinutes(10));
                cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile();
            }
            Nonconformity shown = find(id);
            assertThat(shown.getLastSeen()).isEqualTo(clock.instant());

            Change change = act(id, ACKNOWLEDGE, expecting(shown.getVersion()), ANALYST);

            assertThat(change.nonconformity().getStatus()).isEqualTo(NonconformityStatus.ACKNOWLEDGED);
            assertThat(find(id).getVersion()).isEqualTo(shown.getVersion() + 1);
            later(Duration.ofMinutes(10));
            cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile();
            later(Duration.ofMinutes(10));
            assertThat(cycle().read(ROOT_LOGIN, "web1").reconcile()).extracting(Change::kind)
                    .as("a change after cycles that only saw it").containsExactly(ChangeKind.RESOLVED);
        }

        // ------------------------------------------------------------ a claimed fix

        @Test
        void aQuarantinedRulesKeptFindingNeitherDisprovesAClaimedFixNorCountsAsSeen() {
            long id = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            later(Duration.ofHours(1));
            act(id, RESOLVE, comment("PermitRootLogin no in the image"), ANALYST);
            Instant lastSeen = find(id).getLastSeen();

            // the file was read again, but the rule did not evaluate it: the finding is only kept
            later(Duration.ofMinutes(5));
            assertThat(cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").unevaluated(ROOT_LOGIN)
                    .reconcile()).isEmpty();
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.PENDING_VERIFICATION);
            assertThat(find(id).getLastSeen()).isEqualTo(lastSeen);

            // evaluated again (a fixed version deployed) and still there: now the claim is disproved
            later(Duration.ofMinutes(5));
            assertThat(cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile())
                    .extracting(Change::kind).containsExactly(ChangeKind.REOPENED);
        }

        @Test
        void aClaimedFixIsConfirmedByFreshEvidenceOnly() {
            long id = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            later(Duration.ofHours(1));
            act(id, RESOLVE, comment("PermitRootLogin no in the image"), ANALYST);
            Instant claimed = clock.instant();

            // the session still holds the old file and nothing was read since the claim: nothing is decided
            later(Duration.ofMinutes(5));
            assertThat(cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").holds("sshd_config", "web1").reconcile()).isEmpty();
            later(Duration.ofMinutes(5));
            assertThat(cycle().holds("sshd_config", "web1").reconcile()).isEmpty();
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.PENDING_VERIFICATION);
            assertThat(find(id).getClaimedAt()).isEqualTo(claimed);

            later(Duration.ofMinutes(5));
            List<Change> changes = cycle().read(ROOT_LOGIN, "web1").reconcile();

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.RESOLVED);
            Nonconformity nc = find(id);
            assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.RESOLVED);
            assertThat(nc.getResolvedAt()).isEqualTo(clock.instant());
            assertThat(history(id)).containsExactly("system open null->open",
                    "alice resolve open->pending-verification",
                    "system resolve pending-verification->resolved");
        }

        @Test
        void aClaimedFixIsRefutedWhenFreshEvidenceStillShowsTheFinding() {
            long id = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            later(Duration.ofHours(1));
            act(id, RESOLVE, comment("PermitRootLogin no in the image"), ANALYST);

            later(Duration.ofMinutes(5));
            List<Change> changes = cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile();

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.REOPENED);
            Nonconformity nc = find(id);
            assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.REOPENED);
            assertThat(nc.getRecurrenceCount()).isEqualTo(1);
            assertThat(nc.getClaimedAt()).isNull();
            assertThat(nc.getResolvedAt()).isNull();
            assertThat(history(id)).last().isEqualTo("system reopen pending-verification->reopened");
            assertThat(register.activeCount()).isEqualTo(1);
        }

        // ------------------------------------------------------------ risk acceptance

        @Test
        void anAcceptedRiskRecordsItsApproverAndRequesterAndReopensWhenItExpires() {
            long id = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            Instant expires = clock.instant().plus(DAY.multipliedBy(90));

            act(id, ACCEPT_RISK, acceptRisk(ANALYST, expires), APPROVER);

            Nonconformity accepted = find(id);
            assertThat(accepted.getStatus()).isEqualTo(NonconformityStatus.RISK_ACCEPTED);
            assertThat(accepted.getRiskApprover()).isEqualTo(APPROVER);
            assertThat(accepted.getRiskRequestedBy()).isEqualTo(ANALYST);
            assertThat(accepted.getRiskJustification()).isEqualTo("legacy appliance, replaced in Q3");
            assertThat(accepted.getRiskExpiresAt()).isEqualTo(expires);

            clock.set(expires.minusSeconds(1));
            assertThat(register.tick()).isEmpty();
            clock.set(expires);
            List<Change> changes = register.tick();

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.REOPENED);
            assertThat(find(id).getStatus()).isEqualTo(NonconformityStatus.REOPENED);
            assertThat(repository.history(id)).last().satisfies(entry -> {
                assertThat(entry.getActor()).isEqualTo(AuditEntry.SYSTEM);
                assertThat(entry.getAction()).isEqualTo("reopen");
                assertThat(entry.getFromStatus()).isEqualTo("risk-accepted");
                assertThat(entry.getAt()).isEqualTo(expires);
            });
        }

        // ------------------------------------------------------------ overdue

        @Test
        void aNonconformityStillOpenAfterItsDueDateIsEscalatedToMajor() {
            long id = raise(PASSWORDS, "web1", "PasswordAuthentication yes");
            assertThat(find(id).getGrade()).isEqualTo("minor");
            Instant due = clock.instant().plus(DAY.multipliedBy(10));
            act(id, PLAN, plan("the image enables it", due), ANALYST);

            clock.set(due);
            assertThat(register.tick()).as("due today is not overdue").isEmpty();
            clock.set(due.plusSeconds(1));
            List<Change> changes = register.tick();

            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.ESCALATED);
            Nonconformity nc = find(id);
            assertThat(nc.getGrade()).isEqualTo("major");
            assertThat(nc.getEscalation()).isEqualTo("overdue");
            assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.ACTION_PLANNED);
            assertThat(history(id)).last().isEqualTo("system escalate action-planned->action-planned");
            later(DAY);
            assertThat(register.tick()).as("escalated once").isEmpty();
        }

        // ------------------------------------------------------------ two people at once

        @Test
        void twoAcknowledgementsAtOnceOnOneInstanceLeaveOneWinner() throws Exception {
            long id = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            long version = find(id).getVersion();

            List<Object> outcomes = race(
                    () -> register.act(id, ACKNOWLEDGE, expecting(version), "alice"),
                    () -> register.act(id, ACKNOWLEDGE, expecting(version), "carol"));

            assertOneWinner(id, version, outcomes);
        }

        @Test
        void twoAcknowledgementsAtOnceOnTwoInstancesOfOneDatabaseLeaveOneWinner() throws Exception {
            long id = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            long version = find(id).getVersion();
            NonconformityRegister other = anotherInstance();

            List<Object> outcomes = race(
                    () -> register.act(id, ACKNOWLEDGE, expecting(version), "alice"),
                    () -> other.act(id, ACKNOWLEDGE, expecting(version), "carol"));

            assertOneWinner(id, version, outcomes);
            // the loser read the database again: it now refuses the same action as not allowed
            NonconformityRegister loser = outcomes.get(0) instanceof Change ? other : register;
            assertThatThrownBy(() -> loser.act(id, ACKNOWLEDGE, expecting(version + 1), "dave"))
                    .isInstanceOf(LifecycleException.IllegalTransition.class);
        }

        private void assertOneWinner(long id, long version, List<Object> outcomes) {
            assertThat(outcomes).filteredOn(Change.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(o -> !(o instanceof Change)).singleElement()
                    .satisfies(o -> assertThat(o).isInstanceOfAny(LifecycleException.Stale.class,
                            LifecycleException.IllegalTransition.class));
            Nonconformity nc = find(id);
            assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.ACKNOWLEDGED);
            assertThat(nc.getVersion()).isEqualTo(version + 1);
            assertThat(history(id)).hasSize(2).first().isEqualTo("system open null->open");
            assertThat(history(id).get(1)).endsWith(" acknowledge open->acknowledged");
            AuditTrail.Verification verification = repository.verifyAuditTrail();
            assertThat(verification.valid()).isTrue();
            assertThat(verification.entries()).isEqualTo(2);
        }

        /** Runs both at the same moment; each outcome is what it returned or what it threw. */
        private static List<Object> race(Callable<Object> first, Callable<Object> second) throws Exception {
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch ready = new CountDownLatch(2);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Object>> futures = new ArrayList<>();
                for (Callable<Object> work : List.of(first, second)) {
                    futures.add(threads.submit(() -> {
                        ready.countDown();
                        go.await();
                        try {
                            return work.call();
                        } catch (RuntimeException e) {
                            return e;
                        }
                    }));
                }
                assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
                go.countDown();
                List<Object> outcomes = new ArrayList<>();
                for (Future<Object> future : futures) {
                    outcomes.add(future.get(30, TimeUnit.SECONDS));
                }
                return outcomes;
            } finally {
                threads.shutdownNow();
            }
        }
    }
}
