package io.annexa.alerting;

import java.time.Instant;
import java.util.Map;

/**
 * One alert event; its id is stable forever (the outbox row's id as text, e.g. {@code evt-123}).
 *
 * <p>type: nonconformity.opened|reopened|escalated|resolved|closed|withdrawn, incident.detected, monitoring.gap,
 * risk-acceptance.expiring, risk-acceptance.expired, rule.quarantined. labels (always all present, "" when
 * unknown): event, grade, severity, control, theme, asset, owner, requirement, rule.
 */
public record AlertEvent(String id, String type, Instant at, Map<String, String> labels, AlertSubject subject) {
}
