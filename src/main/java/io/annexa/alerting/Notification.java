package io.annexa.alerting;

import java.util.List;

/** What one receiver is sent at once: the events of one group that became due, oldest first. */
public record Notification(String receiver, String groupKey, List<AlertEvent> events) {

    public Notification {
        events = List.copyOf(events);
    }
}
