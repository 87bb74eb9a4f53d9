package io.annexa.alerting;

import java.util.List;

/**
 * What one receiver is sent at once: the events of one group that became due, oldest first. {@code repeat}: a reminder
 * ({@code repeat_interval}) of nonconformities of the group still not fixed, each event showing its nonconformity as it
 * is now, instead of news.
 */
public record Notification(String receiver, String groupKey, List<AlertEvent> events, boolean repeat) {

    public Notification {
        events = List.copyOf(events);
    }

    /** News, not a reminder. */
    public Notification(String receiver, String groupKey, List<AlertEvent> events) {
        this(receiver, groupKey, events, false);
    }
}
