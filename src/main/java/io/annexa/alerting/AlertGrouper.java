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
        Instant due;

        Group(RouteTarget target, String key, Instant due) {
            this.target = target;
            this.key = key;
            this.due = due;
        }

        void add(AlertEvent event) {
            if (pending.stream().noneMatch(e -> e.id().equals(event.id()))) {
                pending.add(event);
            }
        }
    }

    private record Sent(String receiver, String subject, String type) {
    }

    private AlertRouting routing;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** Until when each (receiver, subject, type) is not notified again. */
    private final Map<Sent, Instant> quietUntil = new HashMap<>();

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
        return group;
    }

    /** The notifications of every group due at {@code now}, in the order the groups began. */
    public List<Notification> due(Instant now) {
        quietUntil.values().removeIf(until -> !until.isAfter(now));
        List<Notification> notifications = new ArrayList<>();
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext();) {
            Group group = it.next();
            if (group.due.isAfter(now)) {
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
                    quietUntil.put(sent, now.plus(group.target.repeatInterval()));
                }
            }
            group.pending.clear();
            group.due = now.plus(group.target.groupInterval());
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
        for (Group previous : old) {
            for (AlertEvent event : previous.pending) {
                for (RouteTarget target : routing.route(event.labels())) {
                    // the new group is not idle (it gets this event), so join() never replaces it here
                    Group group = join(event, target, previous.due, Instant.MIN);
                    if (previous.due.isBefore(group.due)) {
                        group.due = previous.due;
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
