package io.annexa.alerting;

import java.util.List;

/** What one receiver is sent at once: the events of one group. */
public record Notification(String receiver, String groupKey, List<AlertEvent> events) {
}
