package io.annexa.alerting;

import io.annexa.register.ChangeJournal;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityStatus;
import jakarta.persistence.EntityManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The register's journal for alerts: each change that deserves an alert becomes one {@code alert_event} row, written
 * in the transaction that stores the change, so a change rolled back leaves no event and a stored one always has its
 * event, even if Annexa is killed the moment after. {@link AlertDispatcher} takes the events from there.
 *
 * <p>Which changes alert: opened ({@code nonconformity.opened}; {@code incident.detected} for an incident,
 * {@code monitoring.gap} for a breach of clause 9.1), reopened, escalated, resolved, closed, withdrawn, and a risk
 * acceptance about to expire or expired. Acknowledging, planning, claiming a fix, accepting a risk and evidence updates
 * do not. A nonconformity whose risk is accepted is silent while it stays accepted.
 */
public final class AlertOutbox implements ChangeJournal {

    public static final List<String> LABELS = List.of("event", "grade", "severity", "control", "theme", "asset", "owner",
            "requirement", "rule");

    private final AlertStore store;
    private final String publicUrl;

    /** @param publicUrl where people reach Annexa ({@code annexa.public-url}); links are made from it */
    public AlertOutbox(AlertStore store, String publicUrl) {
        this.store = store;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    private volatile Runnable onCommitted = () -> { };

    /** What to do once the register committed alert events: the service wakes the dispatcher. */
    public void onCommitted(Runnable action) {
        this.onCommitted = action;
    }

    @Override
    public void committed() {
        onCommitted.run();
    }

    @Override
    public void record(EntityManager em, List<Change> changes, Instant at) {
        List<AlertStore.NewEvent> events = new ArrayList<>();
        for (Change change : changes) {
            type(change).ifPresent(type -> events.add(event(type, change.nonconformity(), at)));
        }
        if (events.isEmpty()) {
            return;
        }
        try {
            AlertStore.insertEvents(AlertStore.connection(em), events);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the alert events of the register's changes: " + e.getMessage(), e);
        }
    }

    /**
     * A standalone event (the engine's {@code rule.quarantined}), in a transaction of its own. Its id is given here:
     * the one passed in is ignored.
     */
    public AlertEvent record(AlertEvent event) {
        return record(List.of(event)).get(0);
    }

    /** Standalone events, stored together in one transaction; every label is present ("" when not given). */
    public List<AlertEvent> record(List<AlertEvent> events) {
        List<AlertStore.NewEvent> rows = new ArrayList<>(events.size());
        for (AlertEvent event : events) {
            Map<String, String> labels = new LinkedHashMap<>();
            LABELS.forEach(label -> labels.put(label, ""));
            labels.putAll(event.labels());
            labels.put("event", event.type());
            rows.add(new AlertStore.NewEvent(event.type(), event.at(), Map.copyOf(labels), event.subject()));
        }
        return store.insertEvents(rows);
    }

    /** The event type a change raises, or empty when it raises none. */
    static Optional<String> type(Change change) {
        Nonconformity nc = change.nonconformity();
        if (nc.getStatus() == NonconformityStatus.RISK_ACCEPTED && change.kind() != io.annexa.register.NonconformityRegister.ChangeKind.RISK_EXPIRING) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (change.kind()) {
            case OPENED -> nc.isIncident() ? "incident.detected" : gap(nc) ? "monitoring.gap" : "nonconformity.opened";
            case REOPENED -> "nonconformity.reopened";
            case ESCALATED -> "nonconformity.escalated";
            case RESOLVED -> "nonconformity.resolved";
            case CLOSED -> "nonconformity.closed";
            case WITHDRAWN -> "nonconformity.withdrawn";
            case RISK_EXPIRING -> "risk-acceptance.expiring";
            case RISK_EXPIRED -> "risk-acceptance.expired";
            case UPDATED, ACKNOWLEDGED, PLANNED, PENDING_VERIFICATION, RISK_ACCEPTED -> null;
        });
    }

    /** Monitoring itself has a gap: the register cites clause 9.1 (monitoring, measurement) instead of Annex A. */
    private static boolean gap(Nonconformity nc) {
        return "9.1".equals(nc.getRequirement());
    }

    private AlertStore.NewEvent event(String type, Nonconformity nc, Instant at) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("event", type);
        labels.put("grade", orEmpty(nc.getGrade()));
        labels.put("severity", orEmpty(nc.getSeverity()));
        labels.put("control", orEmpty(nc.getControl()));
        labels.put("theme", orEmpty(nc.getTheme()));
        labels.put("asset", orEmpty(nc.getAsset()));
        labels.put("owner", orEmpty(nc.getOwner()));
        labels.put("requirement", orEmpty(nc.getRequirement()));
        labels.put("rule", orEmpty(nc.getRuleId()));
        AlertSubject subject = new AlertSubject(nc.getId(), nc.getRuleId(), nc.getRuleTitle(), nc.getControl(), nc.getAnnexA(),
                List.copyOf(nc.getClauses()), nc.getRequirement(), nc.getGrade(), nc.getSeverity(), nc.getStatus().label(),
                nc.getAsset(), nc.getOwner(), nc.getEvidenceSummary(), nc.getFirstSeen(), nc.getLastSeen(),
                publicUrl + "/api/nonconformities/" + nc.getId());
        return new AlertStore.NewEvent(type, at, Map.copyOf(labels), subject);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
