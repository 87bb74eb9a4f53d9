package io.annexa.alerting;

import java.time.Instant;
import java.util.List;

/** What the payload and templates show; plain values, no entity. */
public record AlertSubject(Long nonconformityId, String ruleId, String ruleTitle, String control, String annexA,
        List<String> clauses, String requirement, String grade, String severity, String status, String asset,
        String owner, String evidenceSummary, Instant firstSeen, Instant lastSeen, String link) {
}
