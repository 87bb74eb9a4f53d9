package io.annexa.api;

import io.annexa.register.AuditEntry;
import io.annexa.register.Nonconformity;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The audit report as CSV for a spreadsheet: one row per nonconformity (RFC 4180, with header), its history
 * flattened into a count and the last action. The report's own header (period, who made it, whether the audit
 * trail is whole) comes first as {@code #} comment lines, where a person opening the file sees it at once; parsers
 * skip them with {@code #} as comment marker. Text anyone could have typed or planted goes through
 * {@link SoaCsv#inert}, as in the Statement of Applicability.
 */
final class AuditReportCsv implements AuditReport.Format {

    static final String[] HEADER = {"id", "rule_id", "rule_title", "control", "controls", "theme", "annex_a", "clauses",
            "asset", "owner", "severity", "grade", "escalation", "status", "incident", "first_seen", "last_seen",
            "resolved_at", "closed_at", "due_at", "root_cause", "correction", "corrective_action", "risk_requested_by",
            "risk_approver", "risk_justification", "risk_expires_at", "withdrawn_reason", "previous_id", "evidence_summary",
            "occurrences", "recurrences", "history_entries", "last_action", "last_action_at", "last_action_by"};

    /** How the file is read back: RFC 4180 with a header line, after the {@code #} lines. */
    static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setCommentMarker('#').get();

    private final BufferedWriter writer;
    private CSVPrinter csv;

    AuditReportCsv(OutputStream out) {
        this.writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    }

    @Override
    public void header(AuditReport.Header header) throws IOException {
        var trail = header.auditTrail();
        String verdict = trail.valid()
                ? "valid, " + trail.entries() + " entries, verified when this report was generated"
                : "BROKEN at entry " + trail.firstBroken() + " (" + trail.entries() + " entries read): the history from"
                        + " entry " + trail.firstBroken() + " on cannot be trusted";
        csv = new CSVPrinter(writer, FORMAT.builder().setHeaderComments(
                "Annexa audit report, ISO/IEC 27001:2022: nonconformities active from " + header.period().from() + " to "
                        + header.period().to() + " (end excluded)",
                "generated at " + header.generatedAt() + " by " + header.generatedBy(),
                "audit trail: " + verdict).setHeader(HEADER).get());
    }

    @Override
    public void nonconformity(Nonconformity nc, List<AuditEntry> history) throws IOException {
        AuditEntry last = history.isEmpty() ? null : history.get(history.size() - 1);
        csv.printRecord(nc.getId(), SoaCsv.inert(nc.getRuleId()), SoaCsv.inert(nc.getRuleTitle()), nc.getControl(),
                String.join("; ", nc.getControls()), nc.getTheme(), nc.getAnnexA(), String.join("; ", nc.getClauses()),
                SoaCsv.inert(nc.getAsset()), SoaCsv.inert(nc.getOwner()), nc.getSeverity(), nc.getGrade(),
                nc.getEscalation(), nc.getStatus().label(), nc.isIncident() ? "yes" : "no", time(nc.getFirstSeen()),
                time(nc.getLastSeen()), time(nc.getResolvedAt()), time(nc.getClosedAt()), time(nc.getDueAt()),
                SoaCsv.inert(nc.getRootCause()), SoaCsv.inert(nc.getCorrection()), SoaCsv.inert(nc.getCorrectiveAction()),
                SoaCsv.inert(nc.getRiskRequestedBy()), SoaCsv.inert(nc.getRiskApprover()),
                SoaCsv.inert(nc.getRiskJustification()), time(nc.getRiskExpiresAt()), SoaCsv.inert(nc.getWithdrawnReason()),
                nc.getPreviousId(), SoaCsv.inert(nc.getEvidenceSummary()), nc.getOccurrenceCount(), nc.getRecurrenceCount(),
                history.size(), last == null ? null : SoaCsv.inert(last.getAction()), last == null ? null : time(last.getAt()),
                last == null ? null : SoaCsv.inert(last.getActor()));
    }

    @Override
    public void end() throws IOException {
        csv.flush();
    }

    private static String time(Instant at) {
        return at == null ? null : at.toString();
    }
}
