package io.annexa.alerting;

import java.util.List;

public record Notification(String receiver, String groupKey, List<AlertEvent> events) {
}
