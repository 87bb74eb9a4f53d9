package io.annexa.alerting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

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
 * their type and all their labels are (Alertmanager's identity of an alert). A notification left empty is not emitted.</li>
 * </ul>
 */
public final class AlertGrouper {

    private static final class Group {
        final RouteTarget target;
        final String key;
        final List<AlertEvent> pending = new ArrayList<>();
        final java.util.Set<String> pendingIds = new java.util.HashSet<>();
        Instant due;

        Group(RouteTarget target, String key, Instant due) {
            this.target = target;
            this.key = key;
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

    private record Sent(String receiver, String subject, String type) {
    }

    private record Expiry(Instant until, Sent sent) {
    }

    private AlertRouting routing;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** No group is due before this (null: no group), so a timer tick with nothing due does not look at every group. */
    private Instant earliest;
    /** Until when each (receiver, subject, type) is not notified again. */
    private final Map<Sent, Instant> quietUntil = new HashMap<>();
    /** The same entries by time, so forgetting the expired ones costs only what expires, not a scan of all. */
    private final java.util.PriorityQueue<Expiry> expiries = new java.util.PriorityQueue<>(java.util.Comparator.comparing(Expiry::until));

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
        if (group == null || (group.pending.isEmpty() && !group.due.isAfter(now))) {
            group = new Group(target, key, dueIfNew);
            groups.put(key, group);
        }
        group.add(event);
        if (earliest == null || group.due.isBefore(earliest)) {
            earliest = group.due;
        }
        return group;
    }

    /** The notifications of every group due at {@code now}, in the order the groups began. */
    public List<Notification> due(Instant now) {
        while (!expiries.isEmpty() && !expiries.peek().until().isAfter(now)) {
            Expiry expired = expiries.poll();
            quietUntil.remove(expired.sent(), expired.until());
        }
        if (earliest == null || earliest.isAfter(now)) {
            return List.of();
        }
        List<Notification> notifications = new ArrayList<>();
        earliest = null;
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext();) {
            Group group = it.next();
            if (group.due.isAfter(now)) {
                earliest = earliest == null || group.due.isBefore(earliest) ? group.due : earliest;
                continue;
            }
            if (group.pending.isEmpty()) {
                it.remove();
                continue;
            }
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
            earliest = earliest == null || group.due.isBefore(earliest) ? group.due : earliest;
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
        return groups.values().stream().filter(g -> !g.pending.isEmpty()).map(g -> g.due).min(Instant::compareTo);
    }

    /**
     * Uses new routing from now on. Events still waiting are routed again: each new group is due no later than the
     * earliest group its events waited in, so a configuration change never delays a notification. Groups with nothing
     * waiting are forgotten; what was sent is remembered, so {@code repeat_interval} still holds.
     */
    public void reconfigure(AlertRouting routing) {
        this.routing = Objects.requireNonNull(routing, "routing");
        List<Group> old = new ArrayList<>(groups.values());
        groups.clear();
        earliest = null;
        for (Group previous : old) {
            for (AlertEvent event : previous.pending) {
                for (RouteTarget target : routing.route(event.labels())) {
                    // the new group is not idle (it gets this event), so join() never replaces it here
                    Group group = join(event, target, previous.due, Instant.MIN);
                    if (previous.due.isBefore(group.due)) {
                        group.due = previous.due;
                    }
                    earliest = earliest == null || group.due.isBefore(earliest) ? group.due : earliest;
                }
            }
        }
    }

    /** How many groups are waiting or recently notified; for metrics. */
    public int groupCount() {
        return groups.size();
    }
}
