package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.alerting.AlertStore.Delivery;
import io.annexa.alerting.AlertStore.State;
import io.annexa.register.ActionRequest;
import io.annexa.register.LifecycleAction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher over the real outbox: grouping into deliveries, the retry schedule, 410 Gone, permanent failures,
 * dead deliveries, redelivery, silences and a restart. The sender records what it was asked to send.
 */
class AlertDispatcherTest {

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

        private static final DispatchSettings SETTINGS = DispatchSettings.defaults();
        private final RecordingSender webhook = new RecordingSender();

        private AlertDispatcher dispatcher() {
            return dispatcher(Map.of(AlertDispatcher.WEBHOOK, webhook), SETTINGS);
        }

        private List<Delivery> deliveries(State state) {
            return store.deliveries(state, null, 1000).items();
        }

        private Delivery only() {
            List<Delivery> all = store.deliveries(null, null, 1000).items();
            assertThat(all).hasSize(1);
            return store.delivery(all.get(0).id()).orElseThrow();
        }

        @Test
        void theEventsOfOneGroupBecomeOneDeliveryWrittenWithTheirMarking() throws Exception {
            long web1 = raise(ROOT_LOGIN, "web1");
            long web2 = raise(ROOT_LOGIN, "web2");
            AlertDispatcher dispatcher = dispatcher();

            dispatcher.runOnce();

            Delivery delivery = only();
            assertThat(delivery.receiver()).isEqualTo("ops");
            assertThat(delivery.channel()).isEqualTo("webhook");
            assertThat(delivery.events()).extracting(e -> e.subject().nonconformityId()).containsExactly(web1, web2);
            assertThat(count("select count(*) from alert_delivery_event where delivery_id = '" + delivery.id() + "'")).isEqualTo(2);
            assertThat(store.eventOutcomes()).containsOnly(Map.entry("evt-1", "notified"), Map.entry("evt-2", "notified"));
            assertThat(webhook.ids()).containsExactly(delivery.id());
            assertThat(webhook.attempts.get(0).notification().events()).hasSize(2);
            assertThat(delivery.state()).isEqualTo(State.DELIVERED);
            assertThat(delivery.lastStatus()).isEqualTo(200);
            assertThat(delivery.deliveredAt()).isEqualTo(START);
            assertThat(dispatcher.counts().notified()).isEqualTo(2);

            dispatcher.runOnce();
            assertThat(webhook.ids()).as("nothing is sent twice").hasSize(1);
        }

        @Test
        void aFailedAttemptIsRetriedOnTheScheduleOrLaterWhenTheReceiverSaysSo() {
            raise(ROOT_LOGIN, "web1");
            webhook.then(new DeliveryOutcome.Retry("503 Service Unavailable", null),
                    new DeliveryOutcome.Retry("429 Too Many Requests", Duration.ofMinutes(20)),
                    new DeliveryOutcome.Retry("429 Too Many Requests", Duration.ofSeconds(1)));
            AlertDispatcher dispatcher = dispatcher();

            dispatcher.runOnce();
            Delivery first = only();
            assertThat(first.state()).isEqualTo(State.PENDING);
            assertThat(first.attempts()).isEqualTo(1);
            assertThat(first.lastError()).isEqualTo("503 Service Unavailable");
            assertThat(first.nextAttemptAt()).isBetween(START.plusMillis(4_500), START.plusMillis(5_500));

            later(Duration.ofSeconds(4));
            dispatcher.runOnce();
            assertThat(webhook.attempts).as("not before its time").hasSize(1);

            clock.set(first.nextAttemptAt());
            dispatcher.runOnce();
            Delivery second = only();
            assertThat(second.attempts()).isEqualTo(2);
            assertThat(second.nextAttemptAt()).as("Retry-After is longer than the 5 minutes of the schedule")
                    .isEqualTo(first.nextAttemptAt().plus(Duration.ofMinutes(20)));

            clock.set(second.nextAttemptAt());
            dispatcher.runOnce();
            Delivery third = only();
            assertThat(third.nextAttemptAt()).as("the schedule's 30 minutes are longer than Retry-After")
                    .isBetween(second.nextAttemptAt().plus(Duration.ofMinutes(27)), second.nextAttemptAt().plus(Duration.ofMinutes(33)));

            clock.set(third.nextAttemptAt());
            dispatcher.runOnce();
            assertThat(only().state()).isEqualTo(State.DELIVERED);
            assertThat(webhook.ids()).hasSize(4).containsOnly(first.id());
            assertThat(dispatcher.counts().retried()).isEqualTo(3);
        }

        @Test
        void goneDisablesTheReceiverAndItsOtherDeliveriesFailUntilItIsEnabledAndRedelivered() throws Exception {
            raise(ROOT_LOGIN, "web1");
            webhook.then(new DeliveryOutcome.Gone("410 Gone"));
            AlertDispatcher dispatcher = dispatcher();

            dispatcher.runOnce();
            assertThat(deliveries(State.FAILED)).hasSize(1);
            assertThat(deliveries(State.FAILED).get(0).lastError()).contains("410").contains("disabled");
            assertThat(store.disabledReceivers()).containsOnlyKeys("ops");
            raise(PASSWORDS, "web1");
            dispatcher.runOnce();

            assertThat(webhook.attempts).as("nothing more is sent to a disabled receiver").hasSize(1);
            assertThat(deliveries(State.FAILED)).hasSize(2).allSatisfy(d -> assertThat(d.lastError()).contains("disabled"));

            assertThat(store.enableReceiver("ops", "admin", clock.instant())).isTrue();
            assertThat(count("select count(*) from audit_entry where action = 'receiver-enable' and actor = 'admin'")).isEqualTo(1);
            for (Delivery d : deliveries(State.FAILED)) {
                assertThat(store.redeliver(d.id(), clock.instant())).isTrue();
            }
            dispatcher.runOnce();
            assertThat(deliveries(State.DELIVERED)).hasSize(2);
            assertThat(store.disabledReceivers()).isEmpty();
        }

        @Test
        void aPermanentRefusalFailsTheDeliveryWithItsReason() {
            raise(ROOT_LOGIN, "web1");
            webhook.then(new DeliveryOutcome.Permanent("400 Bad Request: unknown field"));
            AlertDispatcher dispatcher = dispatcher();

            dispatcher.runOnce();
            Delivery refused = only();
            later(Duration.ofDays(2));
            dispatcher.runOnce();

            Delivery failed = store.delivery(refused.id()).orElseThrow();
            assertThat(failed.state()).isEqualTo(State.FAILED);
            assertThat(failed.lastError()).isEqualTo("400 Bad Request: unknown field");
            assertThat(webhook.ids()).as("never attempted again").containsOnlyOnce(refused.id());
            assertThat(deliveries(null)).as("what came since is the reminder of the nonconformity still open, a delivery of its own")
                    .filteredOn(d -> !d.id().equals(refused.id())).singleElement().satisfies(d -> assertThat(d.reminder()).isTrue());
            assertThat(store.disabledReceivers()).isEmpty();
        }

        @Test
        void aDeliveryIsDeadWhenItsNextAttemptWouldComeAfterTheMaximumAge() {
            raise(ROOT_LOGIN, "web1");
            DeliveryOutcome.Retry down = new DeliveryOutcome.Retry("connection refused", null);
            webhook.then(down, down, down, down);
            AlertDispatcher dispatcher = dispatcher(Map.of(AlertDispatcher.WEBHOOK, webhook), new DispatchSettings(
                    SETTINGS.retrySchedule(), Duration.ofHours(1), 2, SETTINGS.pollInterval()));

            dispatcher.runOnce();
            clock.set(only().nextAttemptAt());
            dispatcher.runOnce();
            clock.set(only().nextAttemptAt());
            dispatcher.runOnce();
            assertThat(only().state()).as("30 minutes more stay within the hour").isEqualTo(State.PENDING);
            clock.set(only().nextAttemptAt());
            dispatcher.runOnce();

            Delivery dead = only();
            assertThat(dead.state()).isEqualTo(State.DEAD);
            assertThat(dead.attempts()).isEqualTo(4);
            assertThat(dead.lastError()).contains("maximum age").contains("connection refused");
            assertThat(dispatcher.counts().dead()).isEqualTo(1);
        }

        @Test
        void aDeliveryIsDeadWhenTheScheduleIsUsedUp() {
            raise(ROOT_LOGIN, "web1");
            DeliveryOutcome.Retry down = new DeliveryOutcome.Retry("503", null);
            webhook.then(down, down, down);
            AlertDispatcher dispatcher = dispatcher(Map.of(AlertDispatcher.WEBHOOK, webhook), new DispatchSettings(
                    List.of(Duration.ofSeconds(5), Duration.ofMinutes(1)), Duration.ofDays(1), 2, SETTINGS.pollInterval()));

            dispatcher.runOnce();
            clock.set(only().nextAttemptAt());
            dispatcher.runOnce();
            clock.set(only().nextAttemptAt());
            dispatcher.runOnce();

            assertThat(only().state()).isEqualTo(State.DEAD);
            assertThat(only().lastError()).startsWith("gave up after 3 attempts");
        }

        @Test
        void aRedeliveryKeepsTheWebhookId() {
            raise(ROOT_LOGIN, "web1");
            AlertDispatcher dispatcher = dispatcher();
            dispatcher.runOnce();
            Delivery delivered = only();

            // within the route's repeat_interval (1h): no reminder comes in between
            later(Duration.ofMinutes(30));
            assertThat(store.redeliver(delivered.id(), clock.instant())).isTrue();
            assertThat(only().state()).isEqualTo(State.PENDING);
            assertThat(only().nextAttemptAt()).isEqualTo(clock.instant());
            dispatcher.runOnce();

            assertThat(webhook.ids()).containsExactly(delivered.id(), delivered.id());
            assertThat(only().state()).isEqualTo(State.DELIVERED);
            assertThat(only().deliveredAt()).isEqualTo(clock.instant());
            assertThat(store.redeliver("msg_unknown", clock.instant())).isFalse();
        }

        @Test
        void aNewDispatcherAfterARestartDispatchesTheEventsAndSendsThePendingDeliveries() throws Exception {
            routing = routing(ROUTING.replace("group_wait: 0s", "group_wait: 30s"));
            raise(ROOT_LOGIN, "web1");
            AlertDispatcher before = dispatcher();
            before.runOnce();
            assertThat(store.deliveries(null, null, 10).items()).as("still waiting for its group").isEmpty();
            before.close();

            AlertDispatcher after = dispatcher(anotherStore(), Map.of(AlertDispatcher.WEBHOOK, webhook), SETTINGS);
            after.runOnce();
            later(Duration.ofSeconds(30));
            after.runOnce();

            assertThat(only().state()).isEqualTo(State.DELIVERED);
            assertThat(store.eventOutcomes()).containsOnly(Map.entry("evt-1", "notified"));
        }

        @Test
        void aDeliverySentButNotMarkedBeforeACrashIsSentAgainWithTheSameId() throws Exception {
            raise(ROOT_LOGIN, "web1");
            CountDownLatch sent = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AlertSender hanging = (id, notification, receiver) -> {
                webhook.attempts.add(new RecordingSender.Attempt(id, notification, receiver));
                sent.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new DeliveryOutcome.Retry("the process died before it stored this", null);
            };
            AlertDispatcher crashing = dispatcher(Map.of(AlertDispatcher.WEBHOOK, hanging), SETTINGS);
            crashing.start();
            assertThat(sent.await(30, TimeUnit.SECONDS)).isTrue();
            crashing.halt();
            assertThat(store.claims().values()).as("its claim is left behind").singleElement()
                    .satisfies(c -> assertThat(c.getKey()).isEqualTo(crashing.holder()));

            AlertDispatcher restarted = dispatcher(anotherStore(), Map.of(AlertDispatcher.WEBHOOK, webhook), SETTINGS);
            restarted.runOnce();
            assertThat(webhook.ids()).as("not while the dead process's claim lasts").hasSize(1);
            later(SETTINGS.claimDuration().plusSeconds(1));
            restarted.runOnce();
            release.countDown();
            crashing.close();

            assertThat(webhook.ids()).hasSize(2);
            assertThat(webhook.ids().get(1)).isEqualTo(webhook.ids().get(0));
            assertThat(only().state()).as("the late result of the dead process does not undo the delivery").isEqualTo(State.DELIVERED);
        }

        @Test
        void aSilenceSuppressesTheEventsItMatchesAndIsInTheAuditTrail() throws Exception {
            AlertStore.StoredSilence silence = store.createSilence(List.of("asset=\"web1\""), START, START.plus(Duration.ofHours(2)),
                    "maintenance of web1", "carol", null, START);
            raise(ROOT_LOGIN, "web1");
            raise(PASSWORDS, "web2");
            AlertDispatcher dispatcher = dispatcher();

            dispatcher.runOnce();

            Delivery delivery = only();
            assertThat(delivery.events()).extracting(e -> e.labels().get("asset")).containsExactly("web2");
            assertThat(store.eventOutcomes()).containsExactly(Map.entry("evt-1", "silenced"), Map.entry("evt-2", "notified"));
            assertThat(dispatcher.counts().silenced()).isEqualTo(1);
            assertThat(count("select count(*) from audit_entry where action = 'silence-create' and actor = 'carol'"
                    + " and nonconformity_id is null")).isEqualTo(1);

            assertThat(store.deleteSilence(silence.id(), "dave", START.plusSeconds(60))).isTrue();
            assertThat(store.deleteSilence(silence.id(), "dave", START.plusSeconds(61))).isFalse();
            assertThat(store.silences(START.plusSeconds(61))).isEmpty();
            assertThat(count("select count(*) from audit_entry where action = 'silence-delete' and actor = 'dave'")).isEqualTo(1);
            later(Duration.ofMinutes(2));
            long opened = raise(ROOT_LOGIN, "web3");
            cycle(List.of(finding(ROOT_LOGIN, "web1"), finding(ROOT_LOGIN, "web3"), finding(PASSWORDS, "web2")), List.of());
            dispatcher.runOnce();
            assertThat(webhook.attempts).last().satisfies(a -> assertThat(a.notification().events())
                    .extracting(e -> e.subject().nonconformityId()).containsExactly(opened));
        }

        @Test
        void aRiskAcceptedNonconformityGivesTheDispatcherNothingToSend() {
            long id = raise(ROOT_LOGIN, "web1");
            AlertDispatcher dispatcher = dispatcher();
            dispatcher.runOnce();
            register.act(id, io.annexa.register.LifecycleAction.ACCEPT_RISK, new io.annexa.register.ActionRequest(null, null, null,
                    null, null, null, "alice", "legacy", START.plus(Duration.ofDays(90)), null, null, null), "bob");
            register.act(id, io.annexa.register.LifecycleAction.WITHDRAW, new io.annexa.register.ActionRequest("gone", null, null,
                    null, null, null, null, null, null, "false-positive", null, null), "alice");
            later(Duration.ofMinutes(5));
            dispatcher.runOnce();

            assertThat(webhook.attempts).hasSize(1);
        }

        @Test
        void deliveriesAreListedNewestFirstAPageAtATime() {
            routing = routingOrFail(ROUTING.replace("group_by: [rule]", "group_by: [asset]"));
            AlertDispatcher dispatcher = dispatcher();
            for (int i = 1; i <= 5; i++) {
                raise(ROOT_LOGIN, "web" + i);
                dispatcher.runOnce();
                later(Duration.ofSeconds(1));
            }
            AlertStore.Page<Delivery> first = store.deliveries(State.DELIVERED, null, 2);
            AlertStore.Page<Delivery> second = store.deliveries(State.DELIVERED, first.next().orElseThrow(), 2);
            AlertStore.Page<Delivery> third = store.deliveries(State.DELIVERED, second.next().orElseThrow(), 2);

            assertThat(first.items()).extracting(Delivery::createdAt).containsExactly(START.plusSeconds(4), START.plusSeconds(3));
            assertThat(second.items()).extracting(Delivery::createdAt).containsExactly(START.plusSeconds(2), START.plusSeconds(1));
            assertThat(third.items()).extracting(Delivery::createdAt).containsExactly(START);
            assertThat(third.next()).isEmpty();
            assertThat(store.deliveries(State.DEAD, null, 2).items()).isEmpty();
        }

        // ------------------------------------------------------------------ reminders (repeat_interval)

        private static final String RULE_GROUP = "0/ops/{rule=\"sshd_root_login_disabled\"}";

        private List<Delivery> reminders() {
            return deliveries(null).stream().filter(Delivery::reminder).toList();
        }

        @Test
        void aNonconformityStillOpenIsRemindedEveryRepeatIntervalAsItIsNow() throws Exception {
            long id = raise(ROOT_LOGIN, "web1");
            AlertDispatcher dispatcher = dispatcher();
            dispatcher.runOnce();
            assertThat(store.reminders()).containsExactly(Map.entry(new AlertStore.ReminderKey("ops", RULE_GROUP, id),
                    START.plus(Duration.ofHours(1))));
            register.act(id, LifecycleAction.ACKNOWLEDGE, ActionRequest.comment("looking at it"), "alice");

            later(Duration.ofMinutes(59));
            dispatcher.runOnce();
            assertThat(webhook.attempts).as("not before repeat_interval").hasSize(1);
            later(Duration.ofMinutes(1));
            dispatcher.runOnce();

            assertThat(webhook.attempts).hasSize(2);
            RecordingSender.Attempt reminded = webhook.attempts.get(1);
            assertThat(reminded.notification().repeat()).isTrue();
            assertThat(reminded.notification().groupKey()).isEqualTo(RULE_GROUP);
            assertThat(reminded.notification().events()).singleElement().satisfies(e -> {
                assertThat(e.id()).as("the event it was notified with").isEqualTo("evt-1");
                assertThat(e.type()).isEqualTo("nonconformity.opened");
                assertThat(e.subject().status()).as("as it is now").isEqualTo("acknowledged");
                assertThat(e.subject().nonconformityId()).isEqualTo(id);
            });
            Delivery reminder = store.delivery(reminded.deliveryId()).orElseThrow();
            assertThat(reminder.reminder()).isTrue();
            assertThat(reminder.state()).isEqualTo(State.DELIVERED);
            assertThat(reminder.createdAt()).isEqualTo(START.plus(Duration.ofHours(1)));
            assertThat(count("select count(*) from alert_delivery_event where delivery_id = '" + reminder.id() + "' and event_id = 1"))
                    .isEqualTo(1);
            assertThat(store.reminders().values()).containsExactly(START.plus(Duration.ofHours(2)));
            assertThat(dispatcher.counts().reminded()).isEqualTo(1);

            later(Duration.ofHours(1));
            dispatcher.runOnce();
            assertThat(webhook.attempts).hasSize(3);
            assertThat(webhook.attempts.get(2).notification().repeat()).isTrue();
            assertThat(store.eventOutcomes()).as("a reminder raises no event").containsOnly(Map.entry("evt-1", "notified"));
        }

        @Test
        void aGroupIsRemindedWholeInOneNotificationAndThenKeepsOneRhythm() {
            long web1 = raise(ROOT_LOGIN, "web1");
            AlertDispatcher dispatcher = dispatcher();
            dispatcher.runOnce();
            later(Duration.ofMinutes(10));
            long web2 = raise(ROOT_LOGIN, "web2");
            dispatcher.runOnce();
            assertThat(webhook.attempts).as("two notifications of the same group").hasSize(2);

            // web1's reminder is due; web2's would be 10 minutes later: the group is reminded of both at once
            later(Duration.ofMinutes(50));
            dispatcher.runOnce();
            assertThat(webhook.attempts).hasSize(3);
            assertThat(webhook.attempts.get(2).notification().events()).extracting(e -> e.subject().nonconformityId())
                    .containsExactly(web1, web2);
            assertThat(store.reminders().values()).containsOnly(START.plus(Duration.ofHours(2)));

            later(Duration.ofMinutes(10));
            dispatcher.runOnce();
            assertThat(webhook.attempts).as("web2 is not reminded again on its own").hasSize(3);
        }

        @Test
        void aNonconformityReopenedWhileTheGrouperHoldsTheReopeningBackIsStillReminded() {
            long web1 = raise(ROOT_LOGIN, "web1");
            AlertDispatcher dispatcher = dispatcher();
            dispatcher.runOnce();
            later(Duration.ofMinutes(10));
            long web2 = raise(ROOT_LOGIN, "web2");
            dispatcher.runOnce();
            later(Duration.ofMinutes(5));
            cycle(List.of(), List.of(), "web2");
            dispatcher.runOnce();
            later(Duration.ofMinutes(5));
            cycle(List.of(finding(ROOT_LOGIN, "web2")), List.of());
            dispatcher.runOnce();
            later(Duration.ofMinutes(5));
            cycle(List.of(), List.of(), "web2");
            dispatcher.runOnce();
            assertThat(webhook.attempts).as("opened, opened, resolved, reopened; the second resolution is held back")
                    .extracting(a -> a.notification().events().get(0).type()).containsExactly("nonconformity.opened",
                            "nonconformity.opened", "nonconformity.resolved", "nonconformity.reopened");

            // web1's reminder is due; web2 is fixed and left out, but its own reminder (due at 1h20) is kept
            clock.set(START.plus(Duration.ofHours(1)));
            dispatcher.runOnce();
            assertThat(webhook.attempts.get(4).notification().events()).extracting(e -> e.subject().nonconformityId())
                    .containsExactly(web1);
            later(Duration.ofMinutes(5));
            cycle(List.of(finding(ROOT_LOGIN, "web2")), List.of());
            dispatcher.runOnce();
            assertThat(webhook.attempts).as("reopened again within repeat_interval of the first reopening: held back").hasSize(5);

            clock.set(START.plus(Duration.ofMinutes(80)));
            dispatcher.runOnce();
            assertThat(webhook.attempts).hasSize(6);
            assertThat(webhook.attempts.get(5).notification().repeat()).isTrue();
            assertThat(webhook.attempts.get(5).notification().events()).extracting(e -> e.subject().nonconformityId())
                    .containsExactly(web1, web2);
        }

        @Test
        void aWithdrawnNonconformityIsNotRemindedAndItsReminderIsDeleted() {
            long id = raise(ROOT_LOGIN, "web1");
            AlertDispatcher dispatcher = dispatcher();
            dispatcher.runOnce();
            register.act(id, LifecycleAction.WITHDRAW, new ActionRequest("gone", null, null, null, null, null, null, null, null,
                    "false-positive", null, null), "alice");

            later(Duration.ofHours(1));
            dispatcher.runOnce();

            assertThat(webhook.attempts).extracting(a -> a.notification().events().get(0).type() + " " + a.notification().repeat())
                    .containsExactly("nonconformity.opened false", "nonconformity.withdrawn false");
            assertThat(reminders()).isEmpty();
            assertThat(store.reminders()).isEmpty();
        }

        @Test
        void aReminderToADisabledReceiverFailsLikeAnyOtherDeliveryAndTheNextOneIsKept() {
            raise(ROOT_LOGIN, "web1");
            webhook.then(new DeliveryOutcome.Gone("410 Gone"));
            AlertDispatcher dispatcher = dispatcher();
            dispatcher.runOnce();
            assertThat(store.disabledReceivers()).containsOnlyKeys("ops");

            later(Duration.ofHours(1));
            dispatcher.runOnce();

            assertThat(webhook.attempts).as("nothing is sent to a disabled receiver").hasSize(1);
            assertThat(reminders()).singleElement().satisfies(d -> {
                assertThat(d.state()).isEqualTo(State.FAILED);
                assertThat(d.lastError()).contains("disabled");
            });
            assertThat(store.reminders().values()).containsExactly(START.plus(Duration.ofHours(2)));
        }

        @Test
        void aReminderWhoseRouteNoLongerExistsIsDropped() {
            raise(ROOT_LOGIN, "web1");
            AlertDispatcher dispatcher = dispatcher();
            dispatcher.runOnce();
            routing = routingOrFail(ROUTING.replace("group_by: [rule]", "group_by: [asset]"));

            later(Duration.ofHours(1));
            dispatcher.runOnce();

            assertThat(webhook.attempts).hasSize(1);
            assertThat(reminders()).isEmpty();
            assertThat(store.reminders()).as("the group it was for is gone").isEmpty();
        }

        @Test
        void aSilencedReminderWaitsForTheSilenceToEnd() {
            raise(ROOT_LOGIN, "web1");
            AlertDispatcher dispatcher = dispatcher();
            dispatcher.runOnce();
            store.createSilence(List.of("asset=\"web1\""), START.plus(Duration.ofMinutes(30)), START.plus(Duration.ofMinutes(90)),
                    "maintenance of web1", "carol", null, START);

            later(Duration.ofHours(1));
            dispatcher.runOnce();
            assertThat(webhook.attempts).hasSize(1);
            assertThat(store.reminders().values()).as("looked at again when the silence ends")
                    .containsExactly(START.plus(Duration.ofMinutes(90)));

            later(Duration.ofMinutes(30));
            dispatcher.runOnce();
            assertThat(webhook.attempts).hasSize(2);
            assertThat(webhook.attempts.get(1).notification().repeat()).isTrue();
            assertThat(store.reminders().values()).containsExactly(START.plus(Duration.ofMinutes(150)));
        }

        private AlertRouting routingOrFail(String yaml) {
            try {
                return routing(yaml);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }
}
