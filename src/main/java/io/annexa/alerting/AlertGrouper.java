package io.annexa.alerting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * In-memory Alertmanager-style aggregation; the dispatcher persists what it emits. Not thread-safe. Every method
 * takes the time it acts at, so the same calls always give the same notifications.
 * <ul>
 * <li>Each event joins one group per route that takes it ({@link RouteTarget#groupKey}). A new group is due
 * {@code group_wait} after its first event; after each notification, the group's next one is due
 * {@code group_interval} later, so a burst becomes one notification and a steady stream one per interval.</li>
 * <li>A group that stays quiet for a whole {@code group_interval} after a notification ends: the next event on it
 * starts a new group and waits {@code group_wait} again.</li>
 * <li>{@code repeat_interval}: an event is left out of a notification when the same receiver was notified of the same
 * nonconformity and event type less than {@code repeat_interval} ago. Events without a nonconformity are the same when
 * their type and all their labels are (Alertmanager's identity of an alert). A notification left empty is not emitted.
 * The other half of {@code repeat_interval}, telling a receiver again of a nonconformity still not fixed, is persisted
 * and done by {@link AlertDispatcher} (table {@code alert_reminder}), not here.</li>
 * </ul>
 * Groups are kept in order of the time they fall due, so adding an event, asking when the next group is due and a timer
 * tick cost O(log n) in the number of groups (plus what falls due), never a walk over all of them.
 */
public final class AlertGrouper {

    private static final class Group {
        final RouteTarget target;
        final String key;
        /** When the group began among all groups: notifications due at the same call come in this order. */
        final long began;
        final List<AlertEvent> pending = new ArrayList<>();
        final Set<String> pendingIds = new HashSet<>();
        /** With events pending: when they are sent. Without: when the group ends. Changed only outside the sets below. */
        Instant due;

        Group(RouteTarget target, String key, long began, Instant due) {
            this.target = target;
            this.key = key;
            this.began = began;
            this.due = due;
        }

        void add(AlertEvent event) {
            if (pendingIds.add(event.id())) {
                pending.add(event);
            }
        }

        void clear() {
            pending.clear();
            pendingIds.clear();
        }
    }

    private static final Comparator<Group> BY_DUE = Comparator.<Group, Instant>comparing(g -> g.due).thenComparingLong(g -> g.began);

    private record Sent(String receiver, String subject, String type) {
    }

    private record Expiry(Instant until, Sent sent) {
    }

    private AlertRouting routing;
    private final Map<String, Group> groups = new HashMap<>();
    /** Every group holding events, and only those, by the time they are due. */
    private final TreeSet<Group> waiting = new TreeSet<>(BY_DUE);
    /** Every group notified and holding nothing since, by the time it ends. */
    private final TreeSet<Group> idle = new TreeSet<>(BY_DUE);
    private long groupsBegun;
    /** Until when each (receiver, subject, type) is not notified again. */
    private final Map<Sent, Instant> quietUntil = new HashMap<>();
    /** The same entries by time, so forgetting the expired ones costs only what expires, not a scan of all. */
    private final PriorityQueue<Expiry> expiries = new PriorityQueue<>(Comparator.comparing(Expiry::until));

    public AlertGrouper(AlertRouting routing) {
        this.routing = Objects.requireNonNull(routing, "routing");
    }

    /** Routes the event; it joins one group per route that takes it. An event already pending in a group is not added twice. */
    public void add(AlertEvent event, Instant now) {
        for (RouteTarget target : routing.route(event.labels())) {
            join(event, target, now.plus(target.groupWait()), now);
        }
    }

    private Group join(AlertEvent event, RouteTarget target, Instant dueIfNew, Instant now) {
        String key = target.groupKey(event.labels());
        Group group = groups.get(key);
        if (group != null && group.pending.isEmpty() && !group.due.isAfter(now)) {
            // quiet for a whole group_interval: it has ended, even if no timer tick has removed it yet
            idle.remove(group);
            group = null;
        }
        if (group == null) {
            group = new Group(target, key, groupsBegun++, dueIfNew);
            groups.put(key, group);
        }
        if (group.pending.isEmpty()) {
            idle.remove(group);
            group.add(event);
            waiting.add(group);
        } else {
            group.add(event);
        }
        return group;
    }

    /** The notifications of every group due at {@code now}, in the order the groups began. */
    public List<Notification> due(Instant now) {
        while (!expiries.isEmpty() && !expiries.peek().until().isAfter(now)) {
            Expiry expired = expiries.poll();
            quietUntil.remove(expired.sent(), expired.until());
        }
        while (!idle.isEmpty() && !idle.first().due.isAfter(now)) {
            Group ended = idle.pollFirst();
            groups.remove(ended.key, ended);
        }
        List<Group> ripe = new ArrayList<>();
        while (!waiting.isEmpty() && !waiting.first().due.isAfter(now)) {
            ripe.add(waiting.pollFirst());
        }
        if (ripe.isEmpty()) {
            return List.of();
        }
        ripe.sort(Comparator.comparingLong(g -> g.began));
        List<Notification> notifications = new ArrayList<>();
        for (Group group : ripe) {
            List<AlertEvent> events = new ArrayList<>();
            for (AlertEvent event : group.pending) {
                Sent sent = new Sent(group.target.receiver(), subject(event), event.type());
                if (!quietUntil.containsKey(sent)) {
                    events.add(event);
                    Instant until = now.plus(group.target.repeatInterval());
                    quietUntil.put(sent, until);
                    expiries.add(new Expiry(until, sent));
                }
            }
            group.clear();
            group.due = now.plus(group.target.groupInterval());
            idle.add(group);
            if (!events.isEmpty()) {
                notifications.add(new Notification(group.target.receiver(), group.key, events));
            }
        }
        return notifications;
    }

    private static String subject(AlertEvent event) {
        if (event.subject() != null && event.subject().nonconformityId() != null) {
            return "nonconformity:" + event.subject().nonconformityId();
        }
        return "labels:" + new TreeMap<>(event.labels());
    }

    /** When a group holding events falls due next, for the caller's timer; empty when none holds any. */
    public Optional<Instant> nextDue() {
        return waiting.isEmpty() ? Optional.empty() : Optional.of(waiting.first().due);
    }

    /**
     * Uses new routing from now on. Events still waiting are routed again: each new group is due no later than the
     * earliest group its events waited in, so a configuration change never delays a notification. Groups with nothing
     * waiting are forgotten; what was sent is remembered, so {@code repeat_interval} still holds.
     */
    public void reconfigure(AlertRouting routing) {
        this.routing = Objects.requireNonNull(routing, "routing");
        List<Group> old = new ArrayList<>(waiting);
        old.sort(Comparator.comparingLong(g -> g.began));
        groups.clear();
        waiting.clear();
        idle.clear();
        for (Group previous : old) {
            for (AlertEvent event : previous.pending) {
                for (RouteTarget target : routing.route(event.labels())) {
                    // the new group is not idle (it gets this event), so join() never replaces it here
                    Group group = join(event, target, previous.due, Instant.MIN);
                    if (previous.due.isBefore(group.due)) {
                        waiting.remove(group);
                        group.due = previous.due;
                        waiting.add(group);
                    }
                }
            }
        }
    }

    /** How many groups are waiting or recently notified; for metrics. */
    public int groupCount() {
        return groups.size();
    }
}
