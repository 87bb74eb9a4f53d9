package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.annexa.ProjectFiles;
import io.annexa.alerting.AlertStore.Delivery;
import io.annexa.alerting.AlertStore.State;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import io.annexa.register.ActionRequest;
import io.annexa.register.LifecycleAction;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.testing.WebhookReceiver;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Grouping, group_interval, repeat_interval, silences and continuing routes along the whole path, in real time: a
 * register change writes its event into the outbox, the dispatcher runs its own thread on the system clock, and the
 * real senders deliver to a real SMTP server (GreenMail) and a real HTTP receiver that checks signatures itself.
 * Timings in the routing are a few seconds at most; what must not happen before a time is asserted on the times the
 * dispatcher stored, never by sleeping. The reminder tests ({@code repeat_interval} of hours) run the same thread on the
 * test's clock instead, which the test moves: hours pass at once and every stored time is exactly the clock's.
 */
class AlertDeliveryEndToEndTest {

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

        private static final Duration DEADLINE = Duration.ofSeconds(30);
        private static final String ISMS = "isms@example.org";
        /** One e-mail receiver taking everything, grouped by asset; the three timings are filled in by each test. */
        private static final String MAIL_ROUTING = """
                receivers:
                  - name: isms-team
                    email:
                      to: [%s]
                route:
                  receiver: isms-team
                  group_by: [asset]
                  group_wait: %s
                  group_interval: %s
                  repeat_interval: %s
                """;

        private GreenMail smtp;
        private WebhookReceiver webhooks;
        private AlertDispatcher dispatcher;

        @BeforeEach
        void startReceivers() throws IOException {
            smtp = new GreenMail(ServerSetup.dynamicPort(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)}));
            smtp.start();
            webhooks = new WebhookReceiver(true);
        }

        @AfterEach
        void stopReceivers() {
            if (dispatcher != null) {
                dispatcher.close();
            }
            smtp.stop();
            webhooks.close();
        }

        private void route(String groupWait, String groupInterval, String repeatInterval) throws Exception {
            routing = routing(MAIL_ROUTING.formatted(ISMS, groupWait, groupInterval, repeatInterval));
        }

        /** The dispatcher thread with the real senders, as the service starts it, on the system clock. */
        private void startDispatcher() throws IOException {
            dispatcher = realDispatcher(store, Clock.systemUTC());
            dispatcher.start();
        }

        /** A dispatcher with the real senders, not started, on the given store and clock. */
        private AlertDispatcher realDispatcher(AlertStore on, Clock time) throws IOException {
            SmtpSettings mailServer = new SmtpSettings("127.0.0.1", smtp.getSmtp().getPort(), "none", "", "", "Annexa <annexa@example.org>");
            Map<String, AlertSender> senders = Map.of(
                    AlertDispatcher.EMAIL, new EmailSender(mailServer, AlertTemplates.load(ProjectFiles.root().resolve("config/templates"))),
                    AlertDispatcher.WEBHOOK, new WebhookSender(routing.targetPolicy(), Clock.systemUTC(), Duration.ofSeconds(5)));
            DispatchSettings settings = new DispatchSettings(List.of(Duration.ofSeconds(1)), Duration.ofHours(1), 2, Duration.ofMillis(100));
            return dispatcher(on, senders, settings, time);
        }

        /**
         * The dispatcher thread with the real senders on the test's clock, which moves only when the test moves it: a
         * repeat_interval of hours passes at once, and every time the dispatcher stores is exactly the clock's.
         */
        private void startDispatcherOnTestClock() throws IOException {
            dispatcher = realDispatcher(store, clock);
            dispatcher.start();
        }

        /** One evaluation cycle at the test clock's time, then the dispatcher is woken as the service wakes it. */
        private List<Change> changeNow(Function<String, Optional<RuleDefinition>> rules, List<Finding> holding, String... read) {
            List<Change> changes = cycle(rules, holding, List.of(), read);
            dispatcher.wakeUp();
            return changes;
        }

        private List<Change> changeNow(List<Finding> holding, String... read) {
            return changeNow(AlertFixture::enabled, holding, read);
        }

        /** The test clock moved on, and the dispatcher woken to look at once. */
        private void pass(Duration time) {
            later(time);
            dispatcher.wakeUp();
        }

        private List<Delivery> reminderDeliveries() {
            return deliveriesOldestFirst().stream().filter(Delivery::reminder).toList();
        }

        /**
         * One evaluation cycle at the present time (the register's clock is moved to it), then the dispatcher is woken
         * as the service wakes it once the register has committed.
         */
        private List<Change> change(Function<String, Optional<RuleDefinition>> rules, List<Finding> holding, String... read) {
            Instant now = Instant.now();
            clock.set(now.isAfter(clock.instant()) ? now : clock.instant().plusMillis(1));
            List<Change> changes = cycle(rules, holding, List.of(), read);
            dispatcher.wakeUp();
            return changes;
        }

        private List<Change> change(List<Finding> holding, String... read) {
            return change(AlertFixture::enabled, holding, read);
        }

        private List<MimeMessage> mails() {
            return Arrays.asList(smtp.getReceivedMessages());
        }

        /** Every delivery with its events. */
        private List<Delivery> deliveriesOldestFirst() {
            List<Delivery> all = new ArrayList<>(store.deliveries(null, null, 1000).items().stream()
                    .map(d -> store.delivery(d.id()).orElseThrow()).toList());
            all.sort(Comparator.comparing(Delivery::createdAt).thenComparing(Delivery::id));
            return all;
        }

        /** Every event dispatched and every delivery delivered: from now on nothing more is sent. */
        private boolean settled(int events) {
            Map<String, String> outcomes = store.eventOutcomes();
            return outcomes.size() == events && !outcomes.containsValue(null)
                    && store.deliveries(null, null, 1000).items().stream().allMatch(d -> d.state() == State.DELIVERED);
        }

        /** The plain-text part, with the line ends the template has. */
        private static String text(MimeMessage mail) {
            return part(mail, 0);
        }

        private static String html(MimeMessage mail) {
            return part(mail, 1);
        }

        private static String part(MimeMessage mail, int index) {
            try {
                return ((MimeMultipart) mail.getContent()).getBodyPart(index).getContent().toString().replace("\r\n", "\n");
            } catch (MessagingException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static long id(List<Change> changes, RuleDefinition rule, String asset) {
            return changes.stream().map(Change::nonconformity)
                    .filter(nc -> nc.getRuleId().equals(rule.id()) && nc.getAsset().equals(asset))
                    .findFirst().orElseThrow().getId();
        }

        private static String link(long nonconformity) {
            return "https://annexa.example.org/api/nonconformities/" + nonconformity;
        }

        @Test
        void aBurstOfAHundredFindingsOnOneHostIsOneEmail() throws Exception {
            route("3s", "1m", "1h");
            startDispatcher();
            Map<String, RuleDefinition> rules = new HashMap<>();
            IntStream.range(0, 100).mapToObj(i -> rule("sshd_check_%03d".formatted(i), Severity.HIGH, "8.5", null))
                    .forEach(r -> rules.put(r.id(), r));
            rules.put(ROOT_LOGIN.id(), ROOT_LOGIN);
            List<RuleDefinition> burst = rules.values().stream().filter(r -> r != ROOT_LOGIN).sorted(Comparator.comparing(RuleDefinition::id)).toList();

            // four evaluation cycles, four transactions; every cycle states all findings that still hold
            List<Finding> holding = new ArrayList<>(List.of(finding(ROOT_LOGIN, "db1")));
            List<Long> web1 = new ArrayList<>();
            Instant began = Instant.now();
            for (int part = 0; part < 4; part++) {
                burst.subList(part * 25, part * 25 + 25).forEach(r -> holding.add(finding(r, "web1")));
                List<Change> changes = change(id -> Optional.ofNullable(rules.get(id)), holding);
                changes.stream().filter(c -> c.nonconformity().getAsset().equals("web1")).forEach(c -> web1.add(c.nonconformity().getId()));
            }
            Duration took = Duration.between(began, Instant.now());

            await().atMost(DEADLINE).until(() -> settled(101));
            assertThat(took).as("the burst came within group_wait, or this test would not be about one group").isLessThan(Duration.ofSeconds(3));
            assertThat(web1).hasSize(100);
            assertThat(store.eventOutcomes().values()).hasSize(101).containsOnly("notified");
            assertThat(mails()).extracting(Contract::subject).containsExactlyInAnyOrder(
                    "[Annexa] 100 alerts, worst MAJOR: 8.5 on web1",
                    "[Annexa] MAJOR Nonconformity opened: 8.5 title of sshd_root_login_disabled on db1");
            MimeMessage burstMail = mails().stream().filter(m -> subject(m).endsWith("on web1")).findFirst().orElseThrow();
            assertThat(burstMail.getAllRecipients()).extracting(Object::toString).containsExactly(ISMS);
            String text = text(burstMail);
            assertThat(web1).allSatisfy(id -> assertThat(text).contains(link(id) + "\n"));
            assertThat(html(burstMail)).contains("href=\"" + link(web1.get(99)) + "\"");
            assertThat(deliveriesOldestFirst()).hasSize(2).filteredOn(d -> d.groupKey().contains("web1"))
                    .singleElement().satisfies(d -> assertThat(d.events()).hasSize(100));
        }

        @Test
        void aLaterChangeInTheSameGroupIsASecondEmailOnlyAfterTheGroupInterval() throws Exception {
            route("200ms", "3s", "1h");
            startDispatcher();

            long rootLogin = id(change(List.of(finding(ROOT_LOGIN, "web1"))), ROOT_LOGIN, "web1");
            await().atMost(DEADLINE).until(() -> mails().size() == 1);
            Delivery first = deliveriesOldestFirst().get(0);
            Instant secondChange = Instant.now();
            long passwords = id(change(List.of(finding(ROOT_LOGIN, "web1"), finding(PASSWORDS, "web1"))), PASSWORDS, "web1");

            await().atMost(DEADLINE).until(() -> mails().size() == 2 && settled(2));
            assertThat(secondChange).as("the change came while the group was still within its interval")
                    .isBefore(first.createdAt().plusSeconds(3));
            Delivery second = deliveriesOldestFirst().get(1);
            assertThat(second.groupKey()).isEqualTo(first.groupKey()).isEqualTo("0/isms-team/{asset=\"web1\"}");
            assertThat(second.createdAt()).as("not before group_interval after the first e-mail (group_wait alone would be 200 ms)")
                    .isAfterOrEqualTo(first.createdAt().plusSeconds(3));
            assertThat(first.events()).extracting(e -> e.subject().nonconformityId()).containsExactly(rootLogin);
            assertThat(second.events()).extracting(e -> e.subject().nonconformityId()).containsExactly(passwords);
            assertThat(text(mails().get(0))).contains(link(rootLogin)).doesNotContain(link(passwords));
            assertThat(text(mails().get(1))).contains(link(passwords)).doesNotContain(link(rootLogin));
            assertThat(mails().get(1).getSubject()).isEqualTo("[Annexa] MINOR Nonconformity opened: 8.5 title of "
                    + PASSWORDS.id() + " on web1");
        }

        @Test
        void theSameChangeOfANonconformityIsNotMailedAgainWithinTheRepeatIntervalButIsAfterIt() throws Exception {
            route("0s", "200ms", "4s");
            startDispatcher();
            List<Finding> failing = List.of(finding(ROOT_LOGIN, "web1"));

            long id = id(change(failing), ROOT_LOGIN, "web1");
            await().atMost(DEADLINE).until(() -> mails().size() == 1);
            change(List.of(), "web1");
            await().atMost(DEADLINE).until(() -> mails().size() == 2);
            change(failing);
            await().atMost(DEADLINE).until(() -> mails().size() == 3);
            Instant resolvedMailed = deliveriesOldestFirst().get(1).createdAt();
            Instant reopenedMailed = deliveriesOldestFirst().get(2).createdAt();

            // resolved once more, within the repeat interval of the first "resolved" e-mail: held back for good
            Instant repeated = Instant.now();
            change(List.of(), "web1");
            await().atMost(DEADLINE).until(() -> settled(4));
            assertThat(repeated).as("the repeat came within repeat_interval").isBefore(resolvedMailed.plusSeconds(4));
            assertThat(store.eventOutcomes()).containsExactly(Map.entry("evt-1", "notified"), Map.entry("evt-2", "notified"),
                    Map.entry("evt-3", "notified"), Map.entry("evt-4", "repeat"));
            assertThat(mails()).hasSize(3);
            assertThat(dispatcher.counts().repeated()).isEqualTo(1);

            // once the repeat interval of both earlier e-mails has passed, the same two changes are mailed again. The
            // reopening's reminder comes due at the same moment: reopened in that very round, the nonconformity would be
            // reminded of (a "repeat" e-mail) as well as reopened, so the dispatcher is given a second (ten polls) to
            // drop the reminder of the nonconformity that is resolved by then
            Instant quietUntil = reopenedMailed.plusSeconds(4).plusSeconds(1);
            await().atMost(DEADLINE).until(() -> Instant.now().isAfter(quietUntil));
            change(failing);
            await().atMost(DEADLINE).until(() -> mails().size() == 4);
            change(List.of(), "web1");
            await().atMost(DEADLINE).until(() -> mails().size() == 5 && settled(6));

            assertThat(mails()).extracting(Contract::subject).containsExactly(
                    "[Annexa] MAJOR Nonconformity opened: 8.5 title of sshd_root_login_disabled on web1",
                    "[Annexa] MAJOR Nonconformity resolved: 8.5 title of sshd_root_login_disabled on web1",
                    "[Annexa] MAJOR Nonconformity reopened: 8.5 title of sshd_root_login_disabled on web1",
                    "[Annexa] MAJOR Nonconformity reopened: 8.5 title of sshd_root_login_disabled on web1",
                    "[Annexa] MAJOR Nonconformity resolved: 8.5 title of sshd_root_login_disabled on web1");
            assertThat(mails()).allSatisfy(m -> assertThat(text(m)).contains(link(id)));
            List<Delivery> deliveries = deliveriesOldestFirst();
            assertThat(deliveries.get(4).createdAt()).isAfterOrEqualTo(resolvedMailed.plusSeconds(4));
            assertThat(store.eventOutcomes()).containsEntry("evt-4", "repeat").containsEntry("evt-5", "notified")
                    .containsEntry("evt-6", "notified");
        }

        @Test
        void aSilenceHoldsBackWhatItMatchesAndOnceDeletedTheNextChangeIsMailed() throws Exception {
            route("0s", "200ms", "1h");
            Instant now = Instant.now();
            AlertStore.StoredSilence silence = store.createSilence(List.of("asset=\"web1\""), now, now.plus(Duration.ofHours(1)),
                    "maintenance of web1", "carol", null, now);
            startDispatcher();

            List<Change> opened = change(List.of(finding(ROOT_LOGIN, "web1"), finding(ROOT_LOGIN, "web2")));
            await().atMost(DEADLINE).until(() -> settled(2) && mails().size() == 1);

            String silencedEvent = store.eventsOf(id(opened, ROOT_LOGIN, "web1")).get(0).id();
            assertThat(store.eventOutcomes()).containsEntry(silencedEvent, "silenced")
                    .containsEntry(store.eventsOf(id(opened, ROOT_LOGIN, "web2")).get(0).id(), "notified");
            assertThat(mails()).extracting(Contract::subject).singleElement().asString().endsWith("on web2");
            assertThat(deliveriesOldestFirst()).flatExtracting(Delivery::events).extracting(e -> e.labels().get("asset"))
                    .containsExactly("web2");
            assertThat(dispatcher.counts().silenced()).isEqualTo(1);

            assertThat(store.deleteSilence(silence.id(), "dave", Instant.now())).isTrue();
            long passwords = id(change(List.of(finding(ROOT_LOGIN, "web1"), finding(ROOT_LOGIN, "web2"), finding(PASSWORDS, "web1"))),
                    PASSWORDS, "web1");
            await().atMost(DEADLINE).until(() -> settled(3) && mails().size() == 2);

            MimeMessage after = mails().get(1);
            assertThat(subject(after)).endsWith("on web1");
            assertThat(text(after)).as("a silenced event is never sent later").contains(link(passwords))
                    .doesNotContain(link(id(opened, ROOT_LOGIN, "web1")));
            assertThat(store.eventOutcomes()).containsEntry(silencedEvent, "silenced");
        }

        @Test
        void aSilenceThatHasEndedNoLongerHoldsBackTheNextChange() throws Exception {
            route("0s", "200ms", "1h");
            Instant now = Instant.now();
            Instant ends = now.plusSeconds(3);
            store.createSilence(List.of("asset=\"web1\""), now, ends, "short window", "carol", null, now);
            startDispatcher();

            List<Change> opened = change(List.of(finding(ROOT_LOGIN, "web1")));
            await().atMost(DEADLINE).until(() -> settled(1));
            assertThat(store.eventOutcomes()).containsExactly(Map.entry("evt-1", "silenced"));

            await().atMost(DEADLINE).until(() -> Instant.now().isAfter(ends));
            long passwords = id(change(List.of(finding(ROOT_LOGIN, "web1"), finding(PASSWORDS, "web1"))), PASSWORDS, "web1");
            await().atMost(DEADLINE).until(() -> settled(2) && mails().size() == 1);

            assertThat(store.silences(Instant.now())).isEmpty();
            assertThat(store.eventOutcomes()).containsExactly(Map.entry("evt-1", "silenced"), Map.entry("evt-2", "notified"));
            assertThat(text(mails().get(0))).contains(link(passwords)).doesNotContain(link(id(opened, ROOT_LOGIN, "web1")));
        }

        @Test
        void aContinuingRouteDeliversToBothReceivers() throws Exception {
            routing = routing("""
                    receivers:
                      - name: isms-team
                        email:
                          to: [%s]
                      - name: secops
                        webhook:
                          url: %s
                          secret: %s
                    route:
                      receiver: isms-team
                      group_by: [asset]
                      group_wait: 0s
                      group_interval: 1s
                      repeat_interval: 1h
                      routes:
                        - matchers: ['grade = "major"']
                          receiver: secops
                          continue: true
                        - matchers: ['control = "8.5"']
                          receiver: isms-team
                    allow_private_targets: ["127.0.0.1/32"]
                    """.formatted(ISMS, webhooks.url(), webhooks.secret()));
            startDispatcher();

            // the root login is major: secops, and then isms-team; the password setting is minor: isms-team only
            List<Change> opened = change(List.of(finding(ROOT_LOGIN, "web1"), finding(PASSWORDS, "web2")));
            await().atMost(DEADLINE).until(() -> settled(2) && mails().size() == 2 && webhooks.accepted().size() == 1);

            long major = id(opened, ROOT_LOGIN, "web1");
            long minor = id(opened, PASSWORDS, "web2");
            assertThat(webhooks.requests).singleElement().satisfies(r -> {
                assertThat(r.signatureValid()).isTrue();
                assertThat(r.nonconformityIds()).containsExactly(major);
            });
            assertThat(mails()).extracting(Contract::subject).containsExactlyInAnyOrder(
                    "[Annexa] MAJOR Nonconformity opened: 8.5 title of sshd_root_login_disabled on web1",
                    "[Annexa] MINOR Nonconformity opened: 8.5 title of sshd_password_authentication_disabled on web2");
            assertThat(deliveriesOldestFirst()).extracting(d -> d.receiver() + " " + d.channel() + " " + d.groupKey())
                    .containsExactlyInAnyOrder("secops webhook 0.0/secops/{asset=\"web1\"}",
                            "isms-team email 0.1/isms-team/{asset=\"web1\"}", "isms-team email 0.1/isms-team/{asset=\"web2\"}");
            assertThat(store.eventOutcomes().values()).containsOnly("notified");
            assertThat(mails()).filteredOn(m -> subject(m).endsWith("web1")).singleElement()
                    .satisfies(m -> assertThat(text(m)).contains(link(major)));
            assertThat(mails()).filteredOn(m -> subject(m).endsWith("web2")).singleElement()
                    .satisfies(m -> assertThat(text(m)).contains(link(minor)));
        }

        // ------------------------------------------------------------------ reminders (repeat_interval)

        /** An e-mail receiver and, by a continuing route, a signed webhook receiver; both grouped by asset. */
        private void routeToMailAndWebhook(String groupWait, String groupInterval, String repeatInterval) throws Exception {
            routing = routing("""
                    receivers:
                      - name: isms-team
                        email:
                          to: [%s]
                      - name: secops
                        webhook:
                          url: %s
                          secret: %s
                    route:
                      receiver: isms-team
                      group_by: [asset]
                      group_wait: %s
                      group_interval: %s
                      repeat_interval: %s
                      routes:
                        - receiver: secops
                          continue: true
                        - receiver: isms-team
                    allow_private_targets: ["127.0.0.1/32"]
                    """.formatted(ISMS, webhooks.url(), webhooks.secret(), groupWait, groupInterval, repeatInterval));
        }

        @Test
        void anOpenNonconformityIsRemindedEveryRepeatIntervalAsItIsNow() throws Exception {
            routeToMailAndWebhook("0s", "1m", "4h");
            startDispatcherOnTestClock();

            long id = id(changeNow(List.of(finding(ROOT_LOGIN, "web1"))), ROOT_LOGIN, "web1");
            await().atMost(DEADLINE).until(() -> mails().size() == 1 && webhooks.accepted().size() == 1 && settled(1));
            Instant notified = clock.instant();
            register.act(id, LifecycleAction.PLAN, new ActionRequest(null, "default configuration kept", "PermitRootLogin no",
                    "configuration baseline for sshd", START.plus(Duration.ofDays(30)), "dave", null, null, null, null, null, null), "alice");
            assertThat(store.reminders()).as("written with the delivery, due repeat_interval later").containsOnly(
                    Map.entry(new AlertStore.ReminderKey("isms-team", "0.1/isms-team/{asset=\"web1\"}", id), notified.plus(Duration.ofHours(4))),
                    Map.entry(new AlertStore.ReminderKey("secops", "0.0/secops/{asset=\"web1\"}", id), notified.plus(Duration.ofHours(4))));

            pass(Duration.ofHours(4));
            await().atMost(DEADLINE).until(() -> mails().size() == 2 && webhooks.accepted().size() == 2 && settled(1));

            MimeMessage reminder = mails().get(1);
            assertThat(subject(reminder)).isEqualTo("[Annexa] Reminder: MAJOR Nonconformity opened: 8.5 title of sshd_root_login_disabled on web1");
            assertThat(text(reminder)).startsWith("Reminder: MAJOR nonconformity opened")
                    .contains("This nonconformity is still not fixed.")
                    .contains("Status:     action-planned").contains("Owner:      dave").contains(link(id));
            assertThat(html(reminder)).contains("<strong>Reminder:</strong> this nonconformity is still not fixed");
            assertThat(text(mails().get(0))).as("the first e-mail was news").doesNotContain("still not fixed").contains("Status:     open");
            WebhookReceiver.Received hook = webhooks.requests.get(webhooks.requests.size() - 1);
            assertThat(hook.repeat()).isTrue();
            assertThat(hook.signatureValid()).isTrue();
            assertThat(hook.statuses()).containsExactly(Map.entry(id, "action-planned"));
            assertThat(hook.eventIds()).as("the event it was notified with").containsExactly(webhooks.requests.get(0).eventIds().get(0));
            assertThat(webhooks.requests.get(0).repeat()).isFalse();
            assertThat(reminderDeliveries()).hasSize(2).allSatisfy(d ->
                    assertThat(d.createdAt()).as("not before repeat_interval").isEqualTo(notified.plus(Duration.ofHours(4))));
            assertThat(store.reminders().values()).containsOnly(notified.plus(Duration.ofHours(8)));

            pass(Duration.ofHours(4));
            await().atMost(DEADLINE).until(() -> mails().size() == 3 && webhooks.accepted().size() == 3 && settled(1));
            assertThat(reminderDeliveries()).hasSize(4);
            assertThat(subject(mails().get(2))).startsWith("[Annexa] Reminder: ");
        }

        @Test
        void aHundredOpenFindingsOnOneHostGiveOneReminder() throws Exception {
            // one evaluation cycle, one transaction: one group at once (a group_wait would race the test's clock)
            route("0s", "5m", "4h");
            startDispatcherOnTestClock();
            Map<String, RuleDefinition> rules = new HashMap<>();
            IntStream.range(0, 100).mapToObj(i -> rule("sshd_check_%03d".formatted(i), Severity.HIGH, "8.5", null))
                    .forEach(r -> rules.put(r.id(), r));
            List<Finding> holding = new ArrayList<>();
            rules.values().forEach(r -> holding.add(finding(r, "web1")));
            List<Long> web1 = changeNow(id -> Optional.ofNullable(rules.get(id)), holding).stream()
                    .map(c -> c.nonconformity().getId()).toList();
            await().atMost(DEADLINE).until(() -> mails().size() == 1 && settled(100));

            pass(Duration.ofHours(4));
            await().atMost(DEADLINE).until(() -> mails().size() == 2 && settled(100));

            assertThat(web1).hasSize(100);
            MimeMessage reminder = mails().get(1);
            assertThat(subject(reminder)).isEqualTo("[Annexa] Reminder: 100 alerts, worst MAJOR: 8.5 on web1");
            String text = text(reminder);
            assertThat(text).contains("These 100 nonconformities are still not fixed.");
            assertThat(web1).allSatisfy(id -> assertThat(text).contains(link(id) + "\n"));
            assertThat(reminderDeliveries()).singleElement().satisfies(d -> assertThat(d.events()).hasSize(100));
            assertThat(store.reminders()).hasSize(100);
            assertThat(store.reminders().values()).containsOnly(clock.instant().plus(Duration.ofHours(4)));
        }

        @Test
        void aResolvedOrRiskAcceptedNonconformityIsNotReminded() throws Exception {
            route("0s", "1m", "4h");
            startDispatcherOnTestClock();
            List<Change> opened = changeNow(List.of(finding(ROOT_LOGIN, "web1"), finding(PASSWORDS, "web1"), finding(ROOT_LOGIN, "web2")));
            long resolved = id(opened, ROOT_LOGIN, "web1");
            long accepted = id(opened, PASSWORDS, "web1");
            long stillOpen = id(opened, ROOT_LOGIN, "web2");
            await().atMost(DEADLINE).until(() -> mails().size() == 2 && settled(3));
            assertThat(store.reminders()).hasSize(3);

            // fresh evidence shows the root login fixed on web1; the password setting's risk is accepted
            later(Duration.ofMinutes(2));
            changeNow(List.of(finding(PASSWORDS, "web1"), finding(ROOT_LOGIN, "web2")), "web1", "web2");
            register.act(accepted, LifecycleAction.ACCEPT_RISK, new ActionRequest(null, null, null, null, null, null, "alice",
                    "legacy clients until the migration", START.plus(Duration.ofDays(90)), null, null, null), "bob");
            await().atMost(DEADLINE).until(() -> mails().size() == 3 && settled(4));
            assertThat(subject(mails().get(2))).isEqualTo("[Annexa] MAJOR Nonconformity resolved: 8.5 title of sshd_root_login_disabled on web1");

            pass(Duration.ofHours(4));
            await().atMost(DEADLINE).until(() -> mails().size() == 4 && settled(4));

            assertThat(subject(mails().get(3))).isEqualTo("[Annexa] Reminder: MAJOR Nonconformity opened: 8.5 title of sshd_root_login_disabled on web2");
            assertThat(text(mails().get(3))).contains(link(stillOpen)).doesNotContain(link(resolved)).doesNotContain(link(accepted));
            assertThat(reminderDeliveries()).singleElement().satisfies(d -> assertThat(d.groupKey()).endsWith("{asset=\"web2\"}"));
            assertThat(store.reminders()).as("the reminders of web1 were deleted in the same round: none comes later")
                    .containsOnlyKeys(new AlertStore.ReminderKey("isms-team", "0/isms-team/{asset=\"web2\"}", stillOpen));
        }

        @Test
        void aReminderSurvivesARestartOfTheDispatcherAndIsSentOnce() throws Exception {
            route("0s", "1m", "4h");
            startDispatcherOnTestClock();
            long id = id(changeNow(List.of(finding(ROOT_LOGIN, "web1"))), ROOT_LOGIN, "web1");
            await().atMost(DEADLINE).until(() -> mails().size() == 1 && settled(1));
            Instant notified = clock.instant();
            dispatcher.close();

            // down while the reminder fell due; another process on the same database takes it over
            later(Duration.ofHours(5));
            AlertDispatcher restarted = realDispatcher(anotherStore(), clock);
            restarted.runOnce();
            assertThat(mails()).hasSize(2);
            assertThat(subject(mails().get(1))).startsWith("[Annexa] Reminder: ");
            assertThat(text(mails().get(1))).contains(link(id));
            restarted.close();

            // started once more right after: the reminder is not sent again
            AlertDispatcher again = realDispatcher(anotherStore(), clock);
            again.runOnce();
            later(Duration.ofHours(3).plusMinutes(59));
            again.runOnce();
            assertThat(mails()).hasSize(2);
            assertThat(reminderDeliveries()).singleElement().satisfies(d -> {
                assertThat(d.state()).isEqualTo(State.DELIVERED);
                assertThat(d.createdAt()).isEqualTo(notified.plus(Duration.ofHours(5)));
            });
            assertThat(store.reminders().values()).as("due repeat_interval after the reminder, not after the missed time")
                    .containsExactly(notified.plus(Duration.ofHours(9)));
            later(Duration.ofMinutes(1));
            again.runOnce();
            assertThat(mails()).hasSize(3);
        }

        private static String subject(MimeMessage mail) {
            try {
                return mail.getSubject();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
