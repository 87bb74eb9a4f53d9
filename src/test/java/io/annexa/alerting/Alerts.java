package io.annexa.alerting;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Notifications as the grouper hands them over, for the delivery tests. */
final class Alerts {

    static final Instant AT = Instant.parse("2026-12-04T10:15:30Z");

    private Alerts() {
    }

    static AlertEvent opened() {
        AlertSubject subject = new AlertSubject(42L, "sshd_root_login_disabled", "SSH root login is disabled", "8.5", "A.8.5",
                List.of("9.1", "10.2"), "REQ-AUTH-1", "major", "high", "open", "web-01", "alice@example.org",
                "PermitRootLogin yes in /etc/ssh/sshd_config <script>alert(1)</script> & more",
                Instant.parse("2026-12-01T08:00:00Z"), Instant.parse("2026-12-04T10:15:00Z"),
                "https://annexa.example.org/nonconformities/42");
        return new AlertEvent("evt-1", "nonconformity.opened", AT, labels("nonconformity.opened", subject), subject);
    }

    static AlertEvent escalated() {
        AlertSubject subject = new AlertSubject(43L, "password_min_length", "Passwords are at least 14 characters", "5.17",
                "A.5.17", List.of("9.1"), "", "minor", "medium", "acknowledged", "web-01", "bob", "PASS_MIN_LEN 8",
                Instant.parse("2026-11-20T08:00:00Z"), Instant.parse("2026-12-04T10:00:00Z"), "https://annexa.example.org/nonconformities/43");
        return new AlertEvent("evt-2", "nonconformity.escalated", AT.plusSeconds(60), labels("nonconformity.escalated", subject), subject);
    }

    /** An event about no nonconformity: most subject fields are unknown. */
    static AlertEvent monitoringGap() {
        AlertSubject subject = new AlertSubject(null, "", "", "8.15", "A.8.15", List.of(), "", "", "", "", "db-02", "", "",
                null, null, null);
        return new AlertEvent("evt-3", "monitoring.gap", AT.plusSeconds(120), labels("monitoring.gap", subject), subject);
    }

    static Notification single() {
        return new Notification("ops", "0.1/ops/{asset=\"web-01\"}", List.of(opened()));
    }

    /** The group reminded: the same events, as a reminder (repeat_interval). */
    static Notification reminder() {
        Notification group = group();
        return new Notification(group.receiver(), group.groupKey(), group.events(), true);
    }

    static Notification group() {
        return new Notification("ops", "0/ops/{}", List.of(escalated(), opened(), monitoringGap()));
    }

    private static Map<String, String> labels(String type, AlertSubject s) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("event", type);
        labels.put("grade", s.grade());
        labels.put("severity", s.severity());
        labels.put("control", s.control());
        labels.put("theme", "technological");
        labels.put("asset", s.asset());
        labels.put("owner", s.owner());
        labels.put("requirement", s.requirement());
        labels.put("rule", s.ruleId());
        return labels;
    }
}
