package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.register.ActionRequest;
import io.annexa.register.LifecycleAction;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import io.annexa.register.policy.AssetInventory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The register's changes in the outbox: written in their transaction, one event per alerting change, mapped by kind. */
class AlertOutboxTest {

    @Nested
    class OnH2 extends Contract {
        @Override
        boolean postgres() {
            return false;
        }
    }

    @Nested
    class OnPostgreSql extends Contract {
        @Override
        boolean postgres() {
            return true;
        }
    }

    abstract static class Contract extends AlertFixture {

        private static final Duration DAY = Duration.ofDays(1);

        @Test
        void everyOpenedNonconformityLeavesExactlyOneEventOfItsKind() throws Exception {
            List<Change> changes = cycle(List.of(finding(ROOT_LOGIN, "web1"), finding(ROOT_LOGIN, "web2"), finding(SOURCE_SILENT, "db1")),
                    List.of(incident(BRUTE_FORCE, "bastion")));

            assertThat(changes).extracting(Change::kind).containsOnly(ChangeKind.OPENED).hasSize(4);
            for (Change change : changes) {
                long id = change.nonconformity().getId();
                assertThat(store.eventsOf(id)).as("events of nonconformity " + id).hasSize(1);
            }
            assertThat(eventTypes()).containsExactlyInAnyOrder("nonconformity.opened", "nonconformity.opened", "monitoring.gap",
                    "incident.detected");
            AlertEvent web1 = store.eventsOf(changes.stream().filter(c -> c.nonconformity().getAsset().equals("web1"))
                    .findFirst().orElseThrow().nonconformity().getId()).get(0);
            assertThat(web1.labels()).containsOnlyKeys(AlertOutbox.LABELS)
                    .containsEntry("event", "nonconformity.opened").containsEntry("grade", "major")
                    .containsEntry("severity", "high").containsEntry("control", "8.5").containsEntry("theme", "technological")
                    .containsEntry("asset", "web1").containsEntry("owner", "").containsEntry("requirement", "A.8.5")
                    .containsEntry("rule", "sshd_root_login_disabled");
            assertThat(web1.subject().link()).isEqualTo("https://annexa.example.org/api/nonconformities/" + web1.subject().nonconformityId());
            assertThat(web1.subject().status()).isEqualTo("open");
            assertThat(web1.subject().evidenceSummary()).contains("sshd_root_login_disabled holds on web1");
            assertThat(web1.at()).isEqualTo(START);

            cycle(List.of(finding(ROOT_LOGIN, "web1"), finding(ROOT_LOGIN, "web2"), finding(SOURCE_SILENT, "db1")), List.of());
            assertThat(count("select count(*) from alert_event")).as("the same findings again alert nothing").isEqualTo(4);
        }

        @Test
        void aChangeWhoseTransactionRollsBackLeavesNoEvent() throws Exception {
            NonconformityRegister failing = registerWithJournal((em, changes, at) -> {
                outbox.record(em, changes, at);
                throw new IllegalStateException("the transaction fails after the outbox wrote its rows");
            });
            assertThatThrownBy(() -> failing.reconcile(new io.annexa.evaluation.EvaluationResult(clock.instant(),
                    java.util.Set.of(finding(ROOT_LOGIN, "web1")), java.util.Set.of(), java.util.Set.of(), 1), AlertFixture::enabled))
                    .hasMessageContaining("the outbox wrote its rows");

            assertThat(count("select count(*) from nonconformity")).isZero();
            assertThat(count("select count(*) from alert_event")).isZero();
        }

        @Test
        void aNonconformityTheDatabaseRefusesLeavesNoEventAndTheOthersKeepTheirs() throws Exception {
            List<Change> changes = cycle(List.of(finding(ROOT_LOGIN, "web1"), finding(OVERLONG, "web1")), List.of());

            assertThat(changes).extracting(c -> c.nonconformity().getRuleId()).containsExactly(ROOT_LOGIN.id());
            assertThat(register.rejectedRows()).isEqualTo(1);
            assertThat(count("select count(*) from alert_event")).isEqualTo(1);
            assertThat(count("select count(*) from alert_event where nonconformity_id = " + changes.get(0).nonconformity().getId()))
                    .isEqualTo(1);
        }

        @Test
        void eachLifecycleChangeMapsToItsEventAndTriageAlertsNothing() throws Exception {
            long id = raise(ROOT_LOGIN, "web1");
            register.act(id, LifecycleAction.ACKNOWLEDGE, ActionRequest.comment("looking"), "alice");
            register.act(id, LifecycleAction.PLAN, new ActionRequest(null, "image default", "set it to no", "managed config",
                    START.plus(DAY.multipliedBy(30)), null, null, null, null, null, null, null), "alice");
            register.act(id, LifecycleAction.RESOLVE, ActionRequest.comment("fixed in the image"), "alice");
            assertThat(eventTypes()).containsExactly("nonconformity.opened");

            later(Duration.ofMinutes(5));
            cycle(List.of(), List.of(), "web1");
            later(DAY.multipliedBy(8));
            register.tick();
            assertThat(eventTypes()).containsExactly("nonconformity.opened", "nonconformity.resolved", "nonconformity.closed");

            long second = raise(PASSWORDS, "web2");
            register.act(second, LifecycleAction.WITHDRAW, new ActionRequest("not ours", null, null, null, null, null, null, null,
                    null, "false-positive", null, null), "alice");
            long third = raise(PASSWORDS, "web3");
            later(Duration.ofMinutes(1));
            cycle(List.of(), List.of(), "web3");
            later(Duration.ofMinutes(1));
            cycle(List.of(finding(PASSWORDS, "web3")), List.of());
            assertThat(eventTypes()).containsExactly("nonconformity.opened", "nonconformity.resolved", "nonconformity.closed",
                    "nonconformity.opened", "nonconformity.withdrawn", "nonconformity.opened", "nonconformity.resolved",
                    "nonconformity.reopened");
            assertThat(store.eventsOf(third)).extracting(AlertEvent::type)
                    .containsExactly("nonconformity.opened", "nonconformity.resolved", "nonconformity.reopened");
        }

        @Test
        void anOverdueNonconformityAlertsItsEscalation() throws Exception {
            long id = raise(PASSWORDS, "web1");
            register.act(id, LifecycleAction.PLAN, new ActionRequest(null, "cause", "correction", "corrective action",
                    START.plus(DAY), null, null, null, null, null, null, null), "alice");
            later(DAY.multipliedBy(2));
            register.tick();

            assertThat(store.eventsOf(id)).extracting(AlertEvent::type).containsExactly("nonconformity.opened", "nonconformity.escalated");
            assertThat(store.eventsOf(id).get(1).labels()).containsEntry("grade", "major");
        }

        @Test
        void anAcceptedRiskIsSilentIsAnnouncedOnceBeforeItExpiresAndWhenItExpires() throws Exception {
            long id = raise(ROOT_LOGIN, "web1");
            Instant expires = START.plus(DAY.multipliedBy(30));
            register.act(id, LifecycleAction.ACCEPT_RISK, new ActionRequest(null, null, null, null, null, null, "alice",
                    "legacy appliance", expires, null, null, null), "bob");
            later(Duration.ofHours(1));
            cycle(List.of(new io.annexa.evaluation.Finding(ROOT_LOGIN.id(), ROOT_LOGIN.controls(), "web1", ROOT_LOGIN.severity(),
                    "new evidence while accepted")), List.of());
            assertThat(store.eventsOf(id)).extracting(AlertEvent::type).containsExactly("nonconformity.opened");

            clock.set(expires.minus(policy.riskExpiryWarning()).minusSeconds(1));
            register.tick();
            assertThat(store.eventsOf(id)).hasSize(1);
            clock.set(expires.minus(policy.riskExpiryWarning()));
            assertThat(register.tick()).as("the warning is no change of the register's").isEmpty();
            register.tick();
            NonconformityRegister restarted = new NonconformityRegister(repository, policy, AssetInventory.empty(), clock, outbox);
            later(DAY);
            restarted.tick();
            assertThat(store.eventsOf(id)).extracting(AlertEvent::type)
                    .containsExactly("nonconformity.opened", "risk-acceptance.expiring");
            assertThat(store.eventsOf(id).get(1).subject().status()).isEqualTo("risk-accepted");

            clock.set(expires);
            assertThat(restarted.tick()).extracting(Change::kind).containsExactly(ChangeKind.REOPENED);
            assertThat(store.eventsOf(id)).extracting(AlertEvent::type)
                    .containsExactly("nonconformity.opened", "risk-acceptance.expiring", "risk-acceptance.expired");
        }

        @Test
        void aWithdrawalWhileTheRiskIsAcceptedIsSilent() throws Exception {
            long id = raise(ROOT_LOGIN, "web1");
            register.act(id, LifecycleAction.ACCEPT_RISK, new ActionRequest(null, null, null, null, null, null, "alice",
                    "legacy appliance", START.plus(DAY.multipliedBy(90)), null, null, null), "bob");
            register.act(id, LifecycleAction.WITHDRAW, new ActionRequest("decommissioned", null, null, null, null, null, null, null,
                    null, "false-positive", null, null), "alice");

            assertThat(store.eventsOf(id)).extracting(AlertEvent::type).containsExactly("nonconformity.opened");
        }

        @Test
        void aStandaloneEventIsStoredInItsOwnTransactionWithEveryLabel() throws Exception {
            AlertEvent stored = outbox.record(new AlertEvent(null, "rule.quarantined", START, Map.of("rule", "sshd_root_login_disabled"),
                    new AlertSubject(null, "sshd_root_login_disabled", "Root login", "8.5", "A.8.5", List.of(), "A.8.5", "", "high",
                            "", "", "", "the rule failed 3 times", null, null, "https://annexa.example.org/api/rules/sshd_root_login_disabled")));

            assertThat(stored.id()).startsWith("evt-");
            assertThat(stored.labels()).containsOnlyKeys(AlertOutbox.LABELS).containsEntry("event", "rule.quarantined")
                    .containsEntry("rule", "sshd_root_login_disabled").containsEntry("asset", "");
            assertThat(eventTypes()).containsExactly("rule.quarantined");
        }
    }
}
