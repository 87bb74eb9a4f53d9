package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.annexa.ProjectFiles;
import io.annexa.alerting.AlertStore.Delivery;
import io.annexa.alerting.AlertStore.State;
import io.annexa.evaluation.Finding;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.testing.WebhookReceiver;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode: two dispatchers, each as another Annexa instance runs it (its own store and connections, its own thread
 * and pool, nothing shared in memory), on ONE PostgreSQL database, delivering with the real senders to a real SMTP
 * server (GreenMail) and a real HTTP receiver that checks signatures. What each receiver got is counted by its identity:
 * the webhook-id, and the mail's X-Annexa-Delivery-Id (a Message-ID is made afresh by every SMTP attempt).
 */
class AlertClusterTest extends AlertFixture {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Short, so a dead dispatcher's work is taken over within the test; still three poll intervals. */
    private static final Duration CLAIM = Duration.ofSeconds(2);
    private static final String ISMS = "isms@example.org";

    private GreenMail smtp;
    private WebhookReceiver webhooks;

    @Override
    boolean postgres() {
        return true;
    }

    @BeforeEach
    void startReceivers() throws Exception {
        smtp = new GreenMail(ServerSetup.dynamicPort(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)}));
        smtp.start();
        webhooks = new WebhookReceiver(true);
        // every asset is a group of its own, for the mail receiver and, by a continuing route, the webhook receiver
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
                  group_interval: 1m
                  repeat_interval: 4h
                  routes:
                    - receiver: secops
                      continue: true
                    - receiver: isms-team
                allow_private_targets: ["127.0.0.1/32"]
                """.formatted(ISMS, webhooks.url(), webhooks.secret()));
    }

    @AfterEach
    void stopReceivers() {
        smtp.stop();
        webhooks.close();
    }

    private Map<String, AlertSender> realSenders() throws IOException {
        SmtpSettings mailServer = new SmtpSettings("127.0.0.1", smtp.getSmtp().getPort(), "none", "", "", "Annexa <annexa@example.org>");
        return Map.of(
                AlertDispatcher.EMAIL, new EmailSender(mailServer, AlertTemplates.load(ProjectFiles.root().resolve("config/templates"))),
                AlertDispatcher.WEBHOOK, new WebhookSender(routing.targetPolicy(), Clock.systemUTC(), Duration.ofSeconds(5)));
    }

    /** Another instance's dispatcher: its own store (connections) and pool, on the given clock; not started. */
    private AlertDispatcher instance(Map<String, AlertSender> senders, Clock time) {
        DispatchSettings settings = new DispatchSettings(List.of(Duration.ofSeconds(1)), Duration.ofHours(1), 2, Duration.ofMillis(100), CLAIM);
        return dispatcher(anotherStore(), senders, settings, time);
    }

    /** Findings on web01..webNN now, in one evaluation cycle (one transaction); every instance is woken as the service wakes its own. */
    private List<Change> openOn(int from, int to, List<AlertDispatcher> instances) {
        List<Finding> holding = new ArrayList<>();
        for (int i = 1; i <= to; i++) {
            holding.add(finding(ROOT_LOGIN, asset(i)));
        }
        Instant now = Instant.now();
        clock.set(now.isAfter(clock.instant()) ? now : clock.instant().plusMillis(1));
        List<Change> changes = cycle(holding, List.of());
        assertThat(changes).filteredOn(c -> c.kind() == io.annexa.register.NonconformityRegister.ChangeKind.OPENED).hasSize(to - from + 1);
        instances.forEach(AlertDispatcher::wakeUp);
        return changes;
    }

    private static String asset(int i) {
        return "web%02d".formatted(i);
    }

    private List<MimeMessage> mails() {
        return Arrays.asList(smtp.getReceivedMessages());
    }

    private static String header(MimeMessage mail, String name) {
        try {
            return mail.getHeader(name)[0];
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Delivery> deliveries() {
        return store.deliveries(null, null, 1000).items();
    }

    /** Every event dispatched and every delivery delivered. */
    private boolean settled(int events, int deliveries) {
        Map<String, String> outcomes = store.eventOutcomes();
        List<Delivery> all = deliveries();
        return outcomes.size() == events && !outcomes.containsValue(null) && all.size() == deliveries
                && all.stream().allMatch(d -> d.state() == State.DELIVERED);
    }

    /** How many times each identity arrived. */
    private static <T> Map<String, Long> arrivals(List<T> received, Function<T, String> identity) {
        return received.stream().collect(Collectors.groupingBy(identity, Collectors.counting()));
    }

    /** Each delivery stored arrived exactly once: by mail or by webhook as its channel says, and nothing else arrived. */
    private void everyDeliveryArrivedOnce(List<Delivery> stored) {
        Map<String, Long> mailed = arrivals(mails(), m -> header(m, "X-Annexa-Delivery-Id"));
        Map<String, Long> posted = arrivals(webhooks.requests, WebhookReceiver.Received::webhookId);
        assertThat(mailed.values()).as("no mail arrived twice").containsOnly(1L);
        assertThat(posted.values()).as("no webhook arrived twice").containsOnly(1L);
        assertThat(mailed.keySet()).containsExactlyInAnyOrderElementsOf(stored.stream()
                .filter(d -> d.channel().equals(AlertDispatcher.EMAIL)).map(Delivery::id).toList());
        assertThat(posted.keySet()).containsExactlyInAnyOrderElementsOf(stored.stream()
                .filter(d -> d.channel().equals(AlertDispatcher.WEBHOOK)).map(Delivery::id).toList());
        assertThat(webhooks.requests).allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
        assertThat(stored).allSatisfy(d -> {
            assertThat(d.state()).isEqualTo(State.DELIVERED);
            assertThat(d.attempts()).as("attempted by one dispatcher, once").isEqualTo(1);
        });
    }

    @Test
    void twoDispatchersDeliverEveryNotificationExactlyOnceBetweenThem() throws Exception {
        Map<String, AlertSender> senders = realSenders();
        AlertDispatcher first = instance(senders, Clock.systemUTC());
        AlertDispatcher second = instance(senders, Clock.systemUTC());
        List<AlertDispatcher> both = List.of(first, second);
        first.start();
        second.start();

        // 60 nonconformities in four transactions, each on an asset of its own: 60 groups for each of the two receivers
        openOn(1, 15, both);
        openOn(16, 30, both);
        openOn(31, 45, both);
        openOn(46, 60, both);
        await().atMost(DEADLINE).until(() -> settled(60, 120) && mails().size() == 60 && webhooks.requests.size() == 60);
        // stopped: whatever either had under way is stored; nothing can arrive after this
        first.close();
        second.close();

        everyDeliveryArrivedOnce(deliveries());
        assertThat(mails()).extracting(AlertClusterTest::subject).doesNotHaveDuplicates().hasSize(60);
        assertThat(webhooks.requests).flatExtracting(r -> List.copyOf(r.nonconformityIds())).doesNotHaveDuplicates().hasSize(60);
        assertThat(store.eventOutcomes().values()).hasSize(60).containsOnly("notified");
        assertThat(count("select count(*) from (select event_id, d.receiver from alert_delivery_event e"
                + " join alert_delivery d on d.id = e.delivery_id group by event_id, d.receiver having count(*) > 1) twice"))
                .as("no event went into two deliveries to the same receiver").isZero();
        assertThat(first.counts().delivered() + second.counts().delivered()).isEqualTo(120);
        assertThat(first.counts().notified() + second.counts().notified()).as("each event grouped by one of them").isEqualTo(60);
        assertThat(store.claims()).as("a clean stop gives every claim back").isEmpty();
        assertThat(store.leaseHolder(AlertStore.GROUPING)).isEmpty();
    }

    @Test
    void theDeliveriesOfADispatcherThatDiesMidRunAreDeliveredOnceByTheOtherAfterItsClaimsEnd() throws Exception {
        CountDownLatch attempting = new CountDownLatch(1);
        CountDownLatch thaw = new CountDownLatch(1);
        // it dies between claiming and sending: its attempts hang, then never reach a receiver
        AlertSender frozen = (id, notification, receiver) -> {
            attempting.countDown();
            try {
                thaw.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new DeliveryOutcome.Retry("the process was dead", null);
        };
        AlertDispatcher dying = instance(Map.of(AlertDispatcher.EMAIL, frozen, AlertDispatcher.WEBHOOK, frozen), Clock.systemUTC());
        dying.start();
        openOn(1, 10, List.of(dying));
        await().atMost(DEADLINE).until(() -> store.claims().size() == 20);
        assertThat(attempting.await(30, TimeUnit.SECONDS)).isTrue();
        dying.halt();
        Map<String, Map.Entry<String, Instant>> leftBehind = store.claims();
        assertThat(leftBehind.values()).extracting(Map.Entry::getKey).containsOnly(dying.holder());
        assertThat(store.leaseHolder(AlertStore.GROUPING)).hasValueSatisfying(l -> assertThat(l.getKey()).isEqualTo(dying.holder()));

        // the other instance starts while the claims still hold, and more changes come: it takes over the grouping too
        AlertDispatcher survivor = instance(realSenders(), Clock.systemUTC());
        survivor.start();
        openOn(11, 15, List.of(survivor));
        await().atMost(DEADLINE).until(() -> settled(15, 30) && mails().size() == 15 && webhooks.requests.size() == 15);

        thaw.countDown();
        // the dead one's attempts come back late: their results are stored only where its claims still hold (none)
        dying.close();
        survivor.close();

        List<Delivery> stored = deliveries().stream().map(d -> store.delivery(d.id()).orElseThrow()).toList();
        everyDeliveryArrivedOnce(stored);
        for (Delivery d : stored) {
            Map.Entry<String, Instant> claim = leftBehind.get(d.id());
            if (claim != null) {
                assertThat(d.deliveredAt()).as("not before the dead instance's claim on " + d.id() + " ended").isAfterOrEqualTo(claim.getValue());
            }
        }
        assertThat(stored).filteredOn(d -> leftBehind.containsKey(d.id())).hasSize(20);
        assertThat(dying.counts().delivered()).isZero();
        assertThat(survivor.counts().delivered()).isEqualTo(30);
        assertThat(survivor.counts().notified()).as("the events of the later change, grouped by the survivor").isEqualTo(5);
    }

    @Test
    void twoDispatchersSendOneReminderPerGroupThatIsDue() throws Exception {
        Map<String, AlertSender> senders = realSenders();
        // on the test's clock, which the test moves: the repeat_interval of 4 hours passes at once for both
        AlertDispatcher first = instance(senders, clock);
        AlertDispatcher second = instance(senders, clock);
        List<AlertDispatcher> both = List.of(first, second);
        first.start();
        second.start();
        List<Finding> holding = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            holding.add(finding(ROOT_LOGIN, asset(i)));
        }
        cycle(holding, List.of());
        both.forEach(AlertDispatcher::wakeUp);
        await().atMost(DEADLINE).until(() -> settled(20, 40) && mails().size() == 20 && webhooks.requests.size() == 20);
        assertThat(store.reminders()).hasSize(40);

        later(Duration.ofHours(4));
        both.forEach(AlertDispatcher::wakeUp);
        await().atMost(DEADLINE).until(() -> settled(20, 80) && mails().size() == 40 && webhooks.requests.size() == 40);
        first.close();
        second.close();

        List<Delivery> stored = deliveries().stream().map(d -> store.delivery(d.id()).orElseThrow()).toList();
        everyDeliveryArrivedOnce(stored);
        List<Delivery> reminders = stored.stream().filter(Delivery::reminder).toList();
        assertThat(reminders).hasSize(40);
        assertThat(arrivals(reminders, d -> d.receiver() + " " + d.groupKey()).values()).as("one reminder per group").containsOnly(1L);
        assertThat(mails()).filteredOn(m -> subject(m).startsWith("[Annexa] Reminder: ")).hasSize(20);
        assertThat(webhooks.requests).filteredOn(WebhookReceiver.Received::repeat).hasSize(20);
        assertThat(first.counts().reminded() + second.counts().reminded()).isEqualTo(40);
        assertThat(store.reminders().values()).as("all moved on once, a repeat_interval on").containsOnly(clock.instant().plus(Duration.ofHours(4)));
    }

    /** The claim protocol itself, on two stores (two instances' connections), without the timing of running dispatchers. */
    @Test
    void aClaimedDeliveryIsNotClaimedAgainUntilItsClaimEndsAndItsLateResultIsNotStoredOnceTakenOver() throws Exception {
        AlertStore one = anotherStore();
        AlertStore two = anotherStore();
        raise(ROOT_LOGIN, "web1");
        raise(PASSWORDS, "web2");
        Instant now = clock.instant();
        assertThat(one.claimLease(AlertStore.GROUPING, "one", now, now.plus(CLAIM))).isTrue();
        assertThat(two.claimLease(AlertStore.GROUPING, "two", now, now.plus(CLAIM))).as("held by one").isFalse();
        List<AlertEvent> events = one.undispatched(0, 10);
        List<AlertStore.NewDelivery> made = new ArrayList<>();
        for (AlertEvent e : events) {
            made.add(new AlertStore.NewDelivery(AlertStore.newDeliveryId(), "secops", AlertDispatcher.WEBHOOK,
                    new Notification("secops", "g" + e.id(), List.of(e))));
        }
        Map<Long, String> marked = new HashMap<>();
        events.forEach(e -> marked.put(AlertStore.eventNumber(e.id()), "notified"));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> two.dispatch(made, marked, List.of(), now, "two", now.plus(CLAIM))))
                .as("only the lease holder writes deliveries made of events").isInstanceOf(AlertStore.LeaseLost.class);
        one.dispatch(made, marked, List.of(), now, "one", now.plus(CLAIM));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> one.dispatch(made.stream()
                        .map(d -> new AlertStore.NewDelivery(AlertStore.newDeliveryId(), d.receiver(), d.channel(), d.notification())).toList(),
                marked, List.of(), now, "one", now.plus(CLAIM))))
                .as("an event becomes deliveries once").isInstanceOf(AlertStore.LeaseLost.class);
        assertThat(deliveries()).hasSize(2);

        // both claim at once, each in its own transaction: every delivery goes to exactly one of them
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            Future<List<Delivery>> byOne = both.submit(() -> one.claimDue(now, 10, "one", now.plus(CLAIM), Set.of(), null));
            Future<List<Delivery>> byTwo = both.submit(() -> two.claimDue(now, 10, "two", now.plus(CLAIM), Set.of(), null));
            List<String> claimed = new ArrayList<>();
            byOne.get(30, TimeUnit.SECONDS).forEach(d -> claimed.add(d.id()));
            byTwo.get(30, TimeUnit.SECONDS).forEach(d -> claimed.add(d.id()));
            assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(made.stream().map(AlertStore.NewDelivery::id).toList());
        } finally {
            both.shutdownNow();
        }
        Map<String, Map.Entry<String, Instant>> claims = store.claims();
        assertThat(anotherStore().claimDue(now.plus(CLAIM), 10, "three", now.plus(CLAIM).plus(CLAIM), Set.of(), null))
                .as("a claim holds until its end").isEmpty();

        // the claims end without a word from their holders: the next to look takes everything over
        Instant later = now.plus(CLAIM).plusMillis(1);
        List<Delivery> takenOver = two.claimDue(later, 10, "two", later.plus(CLAIM), Set.of(), null);
        assertThat(takenOver).hasSize(2);
        String lost = claims.entrySet().stream().filter(c -> c.getValue().getKey().equals("one")).map(Map.Entry::getKey).findFirst()
                .orElse(null);
        if (lost != null) {
            one.update(List.of(new AlertStore.Update(lost, State.DELIVERED, 1, null, null, 200, later)), Map.of(), later, "one");
            assertThat(store.delivery(lost).orElseThrow().state()).as("one's claim was taken over: its late result is dropped")
                    .isEqualTo(State.PENDING);
        }
        two.update(takenOver.stream().map(d -> new AlertStore.Update(d.id(), State.DELIVERED, 1, null, null, 200, later)).toList(),
                Map.of(), later, "two");
        assertThat(deliveries()).extracting(Delivery::state).containsOnly(State.DELIVERED);
        assertThat(store.claims()).isEmpty();

        // an instance restarted under the name it had takes its own claims back at once; others wait for them to end
        Instant restart = later.plusMillis(1);
        raise(BRUTE_FORCE, "web3");
        assertThat(two.claimLease(AlertStore.GROUPING, "two", restart, restart.plus(CLAIM))).isTrue();
        List<AlertEvent> third = two.undispatched(0, 10);
        AlertStore.NewDelivery pending = new AlertStore.NewDelivery(AlertStore.newDeliveryId(), "secops", AlertDispatcher.WEBHOOK,
                new Notification("secops", "g3", third));
        two.dispatch(List.of(pending), Map.of(AlertStore.eventNumber(third.get(0).id()), "notified"), List.of(), restart, "two",
                restart.plus(CLAIM));
        assertThat(two.claimDue(restart, 10, "two", restart.plus(CLAIM), Set.of(), null)).extracting(Delivery::id)
                .containsExactly(pending.id());
        AlertStore twoAgain = anotherStore();
        assertThat(one.claimDue(restart, 10, "one", restart.plus(CLAIM), Set.of(), null)).isEmpty();
        assertThat(twoAgain.claimDue(restart, 10, "two", restart.plus(CLAIM), Set.of(), null)).extracting(Delivery::id)
                .containsExactly(pending.id());
        assertThat(twoAgain.claimDue(restart, 10, "two", restart.plus(CLAIM), Set.of(pending.id()), null))
                .as("but never one of its own attempts under way").isEmpty();

        // a lease whose holder went silent is taken over once it has ended
        Instant silent = restart.plus(CLAIM).plusMillis(1);
        assertThat(one.claimLease(AlertStore.GROUPING, "one", restart, restart.plus(CLAIM))).as("held by two").isFalse();
        assertThat(one.claimLease(AlertStore.GROUPING, "one", silent, silent.plus(CLAIM))).isTrue();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> two.dispatch(List.of(), Map.of(99L, "silenced"), List.of(), silent,
                "two", silent.plus(CLAIM)))).as("the old holder is fenced off").isInstanceOf(AlertStore.LeaseLost.class);
    }

    /** Reminders taken by one dispatcher's transaction are skipped by another's until it commits, and then are no longer due. */
    @Test
    void aReminderTakenByOneDispatcherIsSkippedByTheOther() throws Exception {
        AlertStore one = anotherStore();
        AlertStore two = anotherStore();
        AlertDispatcher grouper = dispatcher(Map.of(AlertDispatcher.EMAIL, (id, n, r) -> new DeliveryOutcome.Delivered(250),
                AlertDispatcher.WEBHOOK, (id, n, r) -> new DeliveryOutcome.Delivered(200)),
                new DispatchSettings(List.of(Duration.ofSeconds(1)), Duration.ofHours(1), 1, Duration.ofMillis(100), CLAIM));
        raise(ROOT_LOGIN, "web1");
        grouper.runOnce();
        assertThat(store.reminders()).hasSize(2);
        Instant due = clock.instant().plus(Duration.ofHours(4));

        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> first = thread.submit(() -> {
                int[] groups = {0};
                one.remindDue(due, 100, taken -> {
                    groups[0] = taken.size();
                    inside.countDown();
                    try {
                        leave.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    List<AlertStore.Move> moves = taken.values().stream().flatMap(List::stream)
                            .map(r -> new AlertStore.Move(r.key(), r.nextAt(), due.plus(Duration.ofHours(4)))).toList();
                    return new AlertStore.ReminderPlan(List.of(), moves, List.of());
                });
                return groups[0];
            });
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            List<Integer> seenBySecond = new ArrayList<>();
            boolean more = two.remindDue(due, 100, taken -> {
                seenBySecond.add(taken.size());
                return new AlertStore.ReminderPlan(List.of(), List.of(), List.of());
            });
            assertThat(seenBySecond).as("every due row is locked by the first: the second takes none").isEmpty();
            assertThat(more).isFalse();
            leave.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        } finally {
            thread.shutdownNow();
        }
        assertThat(two.remindDue(due, 100, taken -> {
            throw new AssertionError("moved on by the first: no longer due " + taken);
        })).isFalse();
        assertThat(store.reminders().values()).containsOnly(due.plus(Duration.ofHours(4)));
    }
}
