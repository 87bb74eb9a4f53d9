package io.annexa.alerting;

import io.annexa.alerting.AlertStore.Delivery;
import io.annexa.alerting.AlertStore.Move;
import io.annexa.alerting.AlertStore.NewDelivery;
import io.annexa.alerting.AlertStore.NewReminder;
import io.annexa.alerting.AlertStore.Reminder;
import io.annexa.alerting.AlertStore.ReminderGroup;
import io.annexa.alerting.AlertStore.ReminderKey;
import io.annexa.alerting.AlertStore.State;
import io.annexa.alerting.AlertStore.Update;
import io.annexa.register.NonconformityStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Takes alert events from the outbox to the receivers. One thread does the bookkeeping; attempts run on a bounded
 * pool, at most one per delivery at a time.
 *
 * <p>Each round: results of finished attempts are stored; events not yet dispatched are read from the outbox
 * (after a restart: all of them) and given to the {@link AlertGrouper}, unless a silence holds them; notifications
 * that are due become pending deliveries, written in ONE transaction with the marking of their events as dispatched
 * and, for each "firing" event ({@link AlertEvent#FIRING}), a reminder of its nonconformity for that receiver and group,
 * due {@code repeat_interval} later; reminders that have come are sent (see {@link #remind}); pending deliveries whose
 * time has come are sent through the {@link AlertSender} of their channel.
 *
 * <p>Outcomes: delivered; retried after the next step of the schedule (±10% jitter, or the receiver's Retry-After when
 * longer); failed for good (a permanent refusal, or 410 Gone, which also disables the receiver until an admin enables
 * it); dead when the schedule is used up or the next attempt would come after the maximum age. All state is in the
 * database: a delivery attempted but not yet marked when Annexa dies is attempted again after the restart (at once
 * under the same instance name, else once its claim has ended), with the same webhook-id (at least once).
 *
 * <p>Several instances of Annexa on one database each run a dispatcher, and the work is shared by claims in the
 * database, never by memory: every dispatcher sends, each pending delivery claimed by one of them at a time
 * ({@code claimed_by}, {@code claimed_until}, renewed while its attempt runs, see {@link AlertStore#claimDue}); one
 * dispatcher at a time, the holder of the grouping lease, reads the outbox and groups its events (the grouper and the
 * cursor over the outbox are that one's memory), and every write of deliveries made of events checks in its
 * transaction that it still holds the lease and that none of the events was dispatched meanwhile; the reminders due are
 * taken row by row ({@code FOR UPDATE SKIP LOCKED}) in the transaction that writes their deliveries. A dispatcher that
 * dies leaves its claims behind; another one takes its deliveries, and the grouping, once they are older than
 * {@link DispatchSettings#claimDuration()}. One that stops cleanly gives them back at once.
 */
public final class AlertDispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AlertDispatcher.class.getName());
    private static final int EVENT_BATCH = 1000;
    /** Due reminder rows read in one round; their groups are reminded whole. */
    private static final int REMINDER_BATCH = 1000;
    private static final Object TOKEN = new Object();

    public static final String WEBHOOK = "webhook";
    public static final String EMAIL = "email";

    /** What the dispatcher did since start. */
    public record Counts(long notified, long silenced, long unrouted, long repeated, long delivered, long retried, long failed,
                         long dead, long reminded) {
    }

    private record Result(Delivery delivery, DeliveryOutcome outcome) {
    }

    /** An event handed to the grouper, and the groups it still waits in. */
    private static final class Waiting {
        final AlertEvent event;
        final Set<String> groups;
        final Instant settleBy;

        Waiting(AlertEvent event, Set<String> groups, Instant settleBy) {
            this.event = event;
            this.groups = groups;
            this.settleBy = settleBy;
        }
    }

    private final AlertStore store;
    private final Supplier<AlertRouting> routing;
    private final Map<String, AlertSender> senders;
    private final DispatchSettings settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final ExecutorService pool;
    private final ThreadFactory threads;
    private final int maxInFlight;
    /** Names this dispatcher in its claims: unique per dispatcher (unless configured), so two in one process are two as well. */
    private final String holder;

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<Object> wake = new LinkedBlockingQueue<>(1);
    private final AtomicLong notified = new AtomicLong();
    private final AtomicLong silenced = new AtomicLong();
    private final AtomicLong unrouted = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final AtomicLong reminded = new AtomicLong();

    // touched by the dispatching thread only (or the test calling runOnce)
    private AlertRouting current;
    private AlertGrouper grouper;
    private final Map<Long, Waiting> waiting = new LinkedHashMap<>();
    private long cursor;
    private boolean moreDue;
    private boolean moreEvents;
    private boolean moreReminders;
    private long lastLook = Long.MIN_VALUE / 2;
    private List<Silence> silences = List.of();
    /** The last delivery taken, while attempts are under way: the next query goes on after it. */
    private Delivery lastTaken;
    private volatile boolean woken;
    /** Holds the grouping lease: reads the outbox and groups its events. */
    private volatile boolean grouping;
    /** Frozen (a test's crash): no round runs any more, the claims are left behind. */
    private volatile boolean halted;

    private volatile Thread thread;
    private volatile boolean running;

    /**
     * @param senders by channel: {@link #WEBHOOK}, {@link #EMAIL}
     */
    public AlertDispatcher(AlertStore store, Supplier<AlertRouting> routing, Map<String, AlertSender> senders,
                           DispatchSettings settings, Clock clock, ThreadFactory threads) {
        this(store, routing, senders, settings, clock, threads, RandomGenerator.getDefault());
    }

    AlertDispatcher(AlertStore store, Supplier<AlertRouting> routing, Map<String, AlertSender> senders, DispatchSettings settings,
                    Clock clock, ThreadFactory threads, RandomGenerator random) {
        this.store = store;
        this.routing = routing;
        this.senders = Map.copyOf(senders);
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(settings.threads(), threads);
        this.maxInFlight = settings.threads() * 32;
        this.holder = settings.instanceName() != null ? settings.instanceName() : holderName();
        this.current = routing.get();
        this.grouper = new AlertGrouper(current);
    }

    private static String holderName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "unknown-host";
        }
        String unique = java.util.UUID.randomUUID().toString().substring(0, 8);
        String name = host + "/" + ProcessHandle.current().pid() + "/" + unique;
        return name.length() <= 200 ? name : name.substring(name.length() - 200);
    }

    /** The name this dispatcher claims work under ({@code claimed_by}): host, process id and a random part. */
    public String holder() {
        return holder;
    }

    /** Whether this dispatcher holds the grouping lease since its last look at the outbox. */
    public boolean grouping() {
        return grouping;
    }

    /** Starts the dispatching thread; the first round reads every event not yet dispatched. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = threads.newThread(this::loop);
        thread.setName("annexa-alert-dispatcher");
        thread.start();
    }

    /** Looks for work now instead of at the end of the poll interval. */
    public void wakeUp() {
        woken = true;
        wake.offer(TOKEN);
    }

    private void loop() {
        while (running) {
            Duration wait = settings.pollInterval();
            try {
                // results wake the loop many times a second: the outbox and the silences are read once per poll
                // interval (or when woken), the due deliveries whenever there is room
                boolean look = woken || moreEvents || moreReminders
                        || System.nanoTime() - lastLook >= settings.pollInterval().toNanos();
                round(look);
                Instant now = clock.instant();
                if (moreDue) {
                    wait = Duration.ZERO;
                } else {
                    Instant next = grouper.nextDue().orElse(null);
                    if (next != null && Duration.between(now, next).compareTo(wait) < 0) {
                        wait = Duration.between(now, next).isNegative() ? Duration.ZERO : Duration.between(now, next);
                    }
                }
            } catch (AlertStore.LeaseLost e) {
                // another instance groups the events now (this one was too slow to renew): it reads them all afresh
                LOG.info(() -> "alert dispatcher " + holder + ": " + e.getMessage());
                reset();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "alert dispatching failed; what was not stored is done again in the next round", e);
                reset();
            }
            try {
                if (!wait.isZero()) {
                    wake.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One round, waiting for every attempt it starts and storing their results: what the thread does, step by step. */
    public void runOnce() {
        round(true);
        awaitInFlight();
        storeResults(clock.instant());
    }

    private void awaitInFlight() {
        while (!inFlight.isEmpty() && results.size() < inFlight.size()) {
            try {
                wake.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void round(boolean look) {
        if (halted) {
            return;
        }
        Instant now = clock.instant();
        storeResults(now);
        if (look) {
            woken = false;
            lastLook = System.nanoTime();
            silences = store.silences(now).stream().map(AlertStore.StoredSilence::silence).toList();
            claimGrouping(now);
            reconfigureIfChanged(now);
            if (grouping) {
                readEvents(now, silences);
            }
            if (!inFlight.isEmpty()) {
                store.renewClaims(holder, claimUntil(now));
            }
        }
        if (grouping) {
            flushDue(now, silences);
        }
        if (look) {
            remind(now, silences);
        }
        sendDue(now, look);
    }

    private Instant claimUntil(Instant now) {
        return now.plus(settings.claimDuration());
    }

    /**
     * Takes or renews the grouping lease. Taken afresh, the outbox is read from its start (what the last holder grouped
     * but had not yet written is still undispatched); lost, what this dispatcher held is forgotten, for the new holder
     * reads it.
     */
    private void claimGrouping(Instant now) {
        boolean held = grouping;
        boolean holds = store.claimLease(AlertStore.GROUPING, holder, now, claimUntil(now));
        if (holds != held) {
            reset();
            if (!holds) {
                LOG.info(() -> "alert dispatcher " + holder + " no longer groups the alert events: another instance does");
            }
        }
        grouping = holds;
    }

    /** A failed round forgets what it held in memory: the events are still undispatched in the outbox, read again. */
    private void reset() {
        grouper = new AlertGrouper(current);
        waiting.clear();
        cursor = 0;
        grouping = false;
    }

    // ------------------------------------------------------------------ events to deliveries

    private void reconfigureIfChanged(Instant now) {
        AlertRouting latest = routing.get();
        if (latest == current) {
            return;
        }
        current = latest;
        grouper.reconfigure(latest);
        Map<Long, String> ended = new LinkedHashMap<>();
        for (Iterator<Map.Entry<Long, Waiting>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Waiting> entry = it.next();
            Waiting w = entry.getValue();
            w.groups.clear();
            current.route(w.event.labels()).forEach(t -> w.groups.add(t.groupKey(w.event.labels())));
            if (w.groups.isEmpty()) {
                ended.put(entry.getKey(), "unrouted");
                unrouted.incrementAndGet();
                it.remove();
            }
        }
        store.dispatch(List.of(), ended, List.of(), now, holder, claimUntil(now));
    }

    private void readEvents(Instant now, List<Silence> silences) {
        moreEvents = false;
        for (int batches = 0; batches < 10; batches++) {
            List<AlertEvent> events = store.undispatched(cursor, EVENT_BATCH);
            Map<Long, String> ended = new LinkedHashMap<>();
            for (AlertEvent event : events) {
                long number = AlertStore.eventNumber(event.id());
                cursor = Math.max(cursor, number);
                if (waiting.containsKey(number)) {
                    continue;
                }
                if (silenced(event, silences, now)) {
                    ended.put(number, "silenced");
                    silenced.incrementAndGet();
                    continue;
                }
                List<RouteTarget> targets = current.route(event.labels());
                Set<String> groups = new LinkedHashSet<>();
                Duration longest = Duration.ZERO;
                for (RouteTarget t : targets) {
                    groups.add(t.groupKey(event.labels()));
                    Duration wait = t.groupWait().plus(t.groupInterval());
                    longest = wait.compareTo(longest) > 0 ? wait : longest;
                }
                if (groups.isEmpty()) {
                    ended.put(number, "unrouted");
                    unrouted.incrementAndGet();
                    continue;
                }
                waiting.put(number, new Waiting(event, groups, now.plus(longest).plus(settings.pollInterval().multipliedBy(2))));
                grouper.add(event, now);
            }
            store.dispatch(List.of(), ended, List.of(), now, holder, claimUntil(now));
            if (events.size() < EVENT_BATCH) {
                return;
            }
        }
        moreEvents = true;
    }

    private static boolean silenced(AlertEvent event, List<Silence> silences, Instant now) {
        return silences.stream().anyMatch(s -> s.silences(event.labels(), now));
    }

    private void flushDue(Instant now, List<Silence> silences) {
        List<NewDelivery> deliveries = new ArrayList<>();
        Map<Long, String> ended = new LinkedHashMap<>();
        Map<ReminderKey, NewReminder> remember = new LinkedHashMap<>();
        for (Notification n : grouper.due(now)) {
            List<AlertEvent> kept = new ArrayList<>();
            for (AlertEvent event : n.events()) {
                boolean quiet = silenced(event, silences, now);
                if (!quiet) {
                    kept.add(event);
                }
                long number = AlertStore.eventNumber(event.id());
                Waiting w = waiting.get(number);
                if (w != null) {
                    w.groups.remove(n.groupKey());
                    if (w.groups.isEmpty()) {
                        waiting.remove(number);
                        ended.put(number, quiet ? "silenced" : "notified");
                        (quiet ? silenced : notified).incrementAndGet();
                    }
                }
            }
            ReceiverConfig receiver = current.receiver(n.receiver()).orElse(null);
            if (kept.isEmpty() || receiver == null) {
                continue;
            }
            Notification notification = new Notification(n.receiver(), n.groupKey(), List.copyOf(kept));
            deliveries(receiver, notification, deliveries);
            remember(notification, now, remember);
        }
        // an event the grouper kept back (repeat_interval) is never notified: once every group it joined has had its
        // chance, it is done
        for (Iterator<Map.Entry<Long, Waiting>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Waiting> entry = it.next();
            if (now.isAfter(entry.getValue().settleBy)) {
                ended.put(entry.getKey(), "repeat");
                repeated.incrementAndGet();
                it.remove();
            }
        }
        store.dispatch(deliveries, ended, remember.values(), now, holder, claimUntil(now));
        if (!deliveries.isEmpty()) {
            wakeUp();
        }
    }

    /** One delivery per channel of the receiver. */
    private static void deliveries(ReceiverConfig receiver, Notification notification, List<NewDelivery> into) {
        if (receiver.webhook() != null) {
            into.add(new NewDelivery(AlertStore.newDeliveryId(), receiver.name(), WEBHOOK, notification));
        }
        if (receiver.email() != null) {
            into.add(new NewDelivery(AlertStore.newDeliveryId(), receiver.name(), EMAIL, notification));
        }
    }

    /**
     * The reminders a notification sets: one per nonconformity of its firing events, for its receiver and group, due
     * the route's {@code repeat_interval} from now; a later firing event of the same nonconformity takes its place.
     */
    private void remember(Notification notification, Instant now, Map<ReminderKey, NewReminder> into) {
        RouteTarget target = null;
        for (AlertEvent event : notification.events()) {
            if (!event.firing()) {
                continue;
            }
            // every event of a group came by the same route: its target is found once
            target = target != null ? target : target(event.labels(), notification.receiver(), notification.groupKey()).orElse(null);
            if (target == null) {
                return;
            }
            ReminderKey key = new ReminderKey(notification.receiver(), notification.groupKey(), event.subject().nonconformityId());
            into.put(key, new NewReminder(key, AlertStore.eventNumber(event.id()), now.plus(target.repeatInterval())));
        }
    }

    /** The route of the routing in service that sends events with these labels to this receiver in this group, if any. */
    private Optional<RouteTarget> target(Map<String, String> labels, String receiver, String groupKey) {
        for (RouteTarget t : current.route(labels)) {
            if (t.receiver().equals(receiver) && t.groupKey(labels).equals(groupKey)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ reminders

    /**
     * Alertmanager's other half of {@code repeat_interval}: a receiver told that a nonconformity fired is told again,
     * every {@code repeat_interval}, while it stays unfixed. When any reminder of a group is due, the whole group is
     * reminded in ONE notification (marked {@code repeat}) of every nonconformity in it that is still unfixed, each as
     * it is now (status, grade, severity, owner, evidence), and all of them are due again a {@code repeat_interval}
     * later: a group has one rhythm, like its first notification. A nonconformity fixed, accepted as a risk, closed or
     * withdrawn is left out, and its reminder deleted once it is due itself; a reminder is deleted at once when the
     * routing in service no longer sends its firing event to that receiver and group. One a silence holds is not sent
     * and is looked at again when the silence ends (at the latest a {@code repeat_interval} later). The deliveries, the
     * reminders moved on and the ones deleted are written in one transaction, the one that took the due reminders
     * ({@link AlertStore#remindDue}): another dispatcher reminding at the same time takes other ones.
     */
    private void remind(Instant now, List<Silence> silences) {
        int[] notifications = {0};
        List<NewDelivery> deliveries = new ArrayList<>();
        try {
            moreReminders = store.remindDue(now, REMINDER_BATCH, due -> {
                deliveries.clear();
                notifications[0] = 0;
                return plan(due, now, silences, deliveries, notifications);
            });
        } catch (RuntimeException e) {
            // most often another dispatcher reminded part of the same group first; the next look reads them again
            moreReminders = false;
            LOG.log(String.valueOf(e.getMessage()).contains("moved meanwhile") ? Level.FINE : Level.WARNING,
                    "reminders not written this round; they are read again", e);
            return;
        }
        reminded.addAndGet(notifications[0]);
        if (!deliveries.isEmpty()) {
            wakeUp();
        }
    }

    private AlertStore.ReminderPlan plan(Map<ReminderGroup, List<Reminder>> due, Instant now, List<Silence> silences,
                                         List<NewDelivery> deliveries, int[] notifications) {
        List<Move> moves = new ArrayList<>();
        List<ReminderKey> drop = new ArrayList<>();
        for (Map.Entry<ReminderGroup, List<Reminder>> entry : due.entrySet()) {
            ReminderGroup group = entry.getKey();
            List<AlertEvent> events = new ArrayList<>();
            for (Reminder reminder : entry.getValue()) {
                RouteTarget target = reminder.now() == null ? null
                        : target(reminder.fired().labels(), group.receiver(), group.groupKey()).orElse(null);
                if (target == null) {
                    drop.add(reminder.key());
                    continue;
                }
                if (!NonconformityStatus.parse(reminder.now().status()).unfixed()) {
                    // deleted only once due itself: if it is reopened before, the grouper may hold the reopening back
                    // (repeat_interval), and this reminder must still be there to remind of it
                    if (!reminder.nextAt().isAfter(now)) {
                        drop.add(reminder.key());
                    }
                    continue;
                }
                AlertEvent event = reminder.current();
                Instant next = now.plus(target.repeatInterval());
                Instant heldUntil = silencedUntil(event, silences, now);
                if (heldUntil != null) {
                    moves.add(new Move(reminder.key(), reminder.nextAt(), heldUntil.isBefore(next) ? heldUntil : next));
                    continue;
                }
                events.add(event);
                moves.add(new Move(reminder.key(), reminder.nextAt(), next));
            }
            ReceiverConfig receiver = current.receiver(group.receiver()).orElse(null);
            if (!events.isEmpty() && receiver != null) {
                deliveries(receiver, new Notification(group.receiver(), group.groupKey(), events, true), deliveries);
                notifications[0]++;
            }
        }
        return new AlertStore.ReminderPlan(List.copyOf(deliveries), moves, drop);
    }

    /** When the last of the silences that hold this event now ends; null when none holds it. */
    private static Instant silencedUntil(AlertEvent event, List<Silence> silences, Instant now) {
        Instant until = null;
        for (Silence s : silences) {
            if (s.silences(event.labels(), now) && (until == null || s.endsAt().isAfter(until))) {
                until = s.endsAt();
            }
        }
        return until;
    }

    // ------------------------------------------------------------------ sending

    private void sendDue(Instant now, boolean look) {
        int room = maxInFlight - inFlight.size();
        moreDue = false;
        // the attempts under way are pending too and come first in the query: wait until half the room is free
        if (room <= 0 || (!look && !inFlight.isEmpty() && room < maxInFlight / 2)) {
            return;
        }
        // from the start at every look (whatever became due behind the last one taken is found there), else after it
        if (look || inFlight.isEmpty()) {
            lastTaken = null;
        }
        // claimed one more than there is room for, to know there is more: that one's claim is given back below
        List<Delivery> due = store.claimDue(now, room + 1, holder, claimUntil(now), Set.copyOf(inFlight), lastTaken);
        Map<String, AlertStore.ReceiverState> disabled = due.isEmpty() ? Map.of() : store.disabledReceivers();
        List<Update> decided = new ArrayList<>();
        Set<String> unstarted = new LinkedHashSet<>();
        int started = 0;
        for (Delivery d : due) {
            if (inFlight.contains(d.id())) {
                continue;
            }
            if (started >= room) {
                moreDue = true;
                unstarted.add(d.id());
                continue;
            }
            ReceiverConfig receiver = current.receiver(d.receiver()).orElse(null);
            AlertSender sender = senders.get(d.channel());
            if (now.isAfter(d.retryFrom().plus(settings.maxAge()))) {
                decided.add(new Update(d.id(), State.DEAD, d.attempts(), null, "older than the maximum age of " + settings.maxAge()
                        + " before it could be attempted" + (d.lastError() == null ? "" : "; last error: " + d.lastError()), d.lastStatus(), null));
            } else if (disabled.containsKey(d.receiver())) {
                decided.add(new Update(d.id(), State.FAILED, d.attempts(), null, "receiver '" + d.receiver() + "' is disabled since "
                        + disabled.get(d.receiver()).disabledAt() + " (" + disabled.get(d.receiver()).reason()
                        + "); enable it, then redeliver", d.lastStatus(), null));
            } else if (receiver == null) {
                decided.add(new Update(d.id(), State.FAILED, d.attempts(), null, "receiver '" + d.receiver()
                        + "' is no longer in the alert configuration", d.lastStatus(), null));
            } else if (sender == null) {
                decided.add(new Update(d.id(), State.FAILED, d.attempts(), null, "no sender for channel " + d.channel(), null, null));
            } else {
                inFlight.add(d.id());
                lastTaken = d;
                started++;
                Notification notification = d.notification();
                pool.execute(() -> {
                    DeliveryOutcome outcome;
                    try {
                        outcome = sender.send(d.id(), notification, receiver);
                    } catch (RuntimeException e) {
                        outcome = new DeliveryOutcome.Retry("the sender failed: " + e, null);
                    }
                    results.add(new Result(d, outcome == null ? new DeliveryOutcome.Retry("the sender gave no outcome", null) : outcome));
                    wake.offer(TOKEN);
                });
            }
        }
        store.update(decided, Map.of(), now, holder);
        if (!unstarted.isEmpty()) {
            store.releaseDeliveries(holder, unstarted);
        }
        count(decided);
        moreDue |= !decided.isEmpty();
    }

    /** Counted once stored: a batch that failed to store is counted when it is stored again. */
    private void count(List<Update> stored) {
        for (Update u : stored) {
            (switch (u.state()) {
                case DELIVERED -> delivered;
                case FAILED -> failed;
                case DEAD -> dead;
                case PENDING -> retried;
            }).incrementAndGet();
        }
    }

    private void storeResults(Instant now) {
        List<Result> done = new ArrayList<>();
        for (Result r; (r = results.poll()) != null; ) {
            done.add(r);
        }
        if (done.isEmpty()) {
            return;
        }
        List<Update> updates = new ArrayList<>(done.size());
        Map<String, String> disable = new HashMap<>();
        for (Result r : done) {
            updates.add(update(r, disable, now));
        }
        try {
            store.update(updates, disable, now, holder);
        } catch (RuntimeException e) {
            results.addAll(done);
            throw e;
        }
        count(updates);
        // only now: until its result is stored, the delivery is pending in the database and must not be sent again
        done.forEach(r -> inFlight.remove(r.delivery().id()));
    }

    private Update update(Result r, Map<String, String> disable, Instant now) {
        Delivery d = r.delivery();
        int attempts = d.attempts() + 1;
        DeliveryOutcome outcome = r.outcome();
        if (outcome instanceof DeliveryOutcome.Delivered ok) {
            return new Update(d.id(), State.DELIVERED, attempts, null, null, ok.status(), now);
        }
        if (outcome instanceof DeliveryOutcome.Permanent no) {
            return new Update(d.id(), State.FAILED, attempts, null, no.reason(), null, null);
        }
        if (outcome instanceof DeliveryOutcome.Gone gone) {
            disable.put(d.receiver(), "410 Gone: " + gone.reason());
            return new Update(d.id(), State.FAILED, attempts, null, "the receiver's endpoint is gone (410), so receiver '"
                    + d.receiver() + "' is disabled: " + gone.reason(), 410, null);
        }
        return retry(d, attempts, (DeliveryOutcome.Retry) outcome, now);
    }

    private Update retry(Delivery d, int attempts, DeliveryOutcome.Retry retry, Instant now) {
        List<Duration> schedule = settings.retrySchedule();
        if (attempts > schedule.size()) {
            return new Update(d.id(), State.DEAD, attempts, null, "gave up after " + attempts + " attempts: " + retry.reason(), null, null);
        }
        Duration delay = jitter(schedule.get(attempts - 1));
        if (retry.retryAfter() != null && retry.retryAfter().compareTo(delay) > 0) {
            delay = retry.retryAfter();
        }
        Instant next = now.plus(delay);
        if (next.isAfter(d.retryFrom().plus(settings.maxAge()))) {
            return new Update(d.id(), State.DEAD, attempts, null, "the next attempt would come after the maximum age of "
                    + settings.maxAge() + ": " + retry.reason(), null, null);
        }
        return new Update(d.id(), State.PENDING, attempts, next, retry.reason(), null, null);
    }

    /** ±10%, so receivers that failed together are not all retried in the same second. */
    private Duration jitter(Duration step) {
        double factor = 0.9 + 0.2 * random.nextDouble();
        return Duration.ofMillis(Math.round(step.toMillis() * factor));
    }

    public Counts counts() {
        return new Counts(notified.get(), silenced.get(), unrouted.get(), repeated.get(), delivered.get(), retried.get(),
                failed.get(), dead.get(), reminded.get());
    }

    /** Deliveries being attempted right now. */
    public int inFlight() {
        return inFlight.size();
    }

    /**
     * Stops the dispatching thread as if the process had frozen or been cut off from the database, for tests of another
     * instance taking over: no claim is renewed or given back, no result stored; attempts under way run on. A later
     * {@link #close()} stores their results as a process coming back would: only where its claims still hold.
     */
    void halt() {
        halted = true;
        stopThread();
    }

    private void stopThread() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops the thread and waits for the attempts under way; their results are stored if the database allows, and
     * the claims given back, so another instance need not wait for them to end.
     */
    @Override
    public void close() {
        stopThread();
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
            storeResults(clock.instant());
            store.releaseClaims(holder, Set.copyOf(inFlight));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the results of the last attempts could not be stored; those deliveries are attempted again", e);
        }
        pool.shutdownNow();
    }
}
