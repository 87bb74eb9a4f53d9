package io.annexa.alerting;

import java.time.Instant;
import java.util.Map;

/** One alert event; id stable forever (the outbox row's id as text, e.g. "evt-123"). */
public record AlertEvent(String id, String type, Instant at, Map<String, String> labels, AlertSubject subject) {
}
