package io.annexa.alerting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stand-in of the routing branch's AlertGrouper, to be replaced at merge: one group per group key, flushed group_wait
 * after its first event, then every group_interval while events come; repeat_interval drops a (receiver,
 * nonconformity, event type) notified less than that ago. Not thread-safe.
 */
public final class AlertGrouper {

    private static final class Group {
        final RouteTarget target;
        final List<AlertEvent> events = new ArrayList<>();
        Instant firstAt;
        Instant flushedAt;

        Group(RouteTarget target) {
            this.target = target;
        }

        Instant dueAt() {
            return flushedAt == null ? firstAt.plus(target.groupWait()) : later(firstAt, flushedAt.plus(target.groupInterval()));
        }
    }

    private AlertRouting routing;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** The groups holding events: what due() looks at. */
    private final Map<String, Group> filled = new LinkedHashMap<>();
    private final Map<String, Instant> notified = new HashMap<>();

    public AlertGrouper(AlertRouting routing) {
        this.routing = routing;
    }

    public void add(AlertEvent event, Instant now) {
        for (RouteTarget target : routing.route(event.labels())) {
            Group group = groups.computeIfAbsent(target.groupKey(event.labels()), k -> new Group(target));
            if (group.events.isEmpty()) {
                group.firstAt = now;
                filled.put(target.groupKey(event.labels()), group);
            }
            group.events.add(event);
        }
    }

    public List<Notification> due(Instant now) {
        List<Notification> due = new ArrayList<>();
        for (java.util.Iterator<Map.Entry<String, Group>> it = filled.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Group> entry = it.next();
            String key = entry.getKey();
            Group group = entry.getValue();
            if (group.dueAt().isAfter(now)) {
                continue;
            }
            it.remove();
            List<AlertEvent> events = new ArrayList<>();
            for (AlertEvent e : group.events) {
                String dedup = group.target.receiver() + "|" + e.subject().nonconformityId() + "|" + e.type();
                Instant last = notified.get(dedup);
                if (e.subject().nonconformityId() == null || last == null || !last.plus(group.target.repeatInterval()).isAfter(now)) {
                    events.add(e);
                    notified.put(dedup, now);
                }
            }
            group.events.clear();
            group.flushedAt = now;
            if (!events.isEmpty()) {
                due.add(new Notification(group.target.receiver(), key, List.copyOf(events)));
            }
        }
        return due;
    }

    public Optional<Instant> nextDue() {
        return filled.values().stream().map(Group::dueAt).min(Instant::compareTo);
    }

    public void reconfigure(AlertRouting newRouting) {
        List<AlertEvent> pending = new ArrayList<>();
        Map<AlertEvent, Instant> firstAt = new HashMap<>();
        groups.values().forEach(g -> g.events.forEach(e -> {
            pending.add(e);
            firstAt.putIfAbsent(e, g.firstAt);
        }));
        groups.clear();
        filled.clear();
        routing = newRouting;
        pending.stream().distinct().forEach(e -> add(e, firstAt.get(e)));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
