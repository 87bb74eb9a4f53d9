package io.annexa.register;

import io.annexa.evidence.SharedStrings;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.TableGenerator;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A nonconformity against ISO/IEC 27001:2022: an Annex A control the organisation chose is not operating on an
 * asset (clauses 6.1.3 and 8.1 by default), or monitoring itself has a gap (9.1). At most one is active per (rule,
 * asset) — the database enforces it — and it goes through the clause 10.2 lifecycle ({@link NonconformityStatus}).
 * Its evidence is in {@link Occurrence}s, whole; it keeps a summary, first and last seen, and counts.
 *
 * <p>Changed only by {@link NonconformityRegister}, which writes the matching audit entry in the same transaction.
 */
@Entity
@Table(name = "nonconformity")
public class Nonconformity {

    @Id
    @GeneratedValue(strategy = GenerationType.TABLE, generator = "nonconformity_ids")
    // H2 2.x and the persistence provider disagree on identity columns; a table generator works on both databases
    @TableGenerator(name = "nonconformity_ids", table = "register_ids", pkColumnName = "name", valueColumnName = "next_id",
            pkColumnValue = "nonconformity", allocationSize = 50)
    private Long id;

    @Version
    private long version;

    @Column(name = "rule_id", nullable = false)
    private String ruleId;
    @Column(name = "rule_title", nullable = false)
    private String ruleTitle;
    @Column(name = "control_id", nullable = false)
    private String control;
    @Column(name = "controls", nullable = false)
    private String controls;
    @Column(name = "theme", nullable = false)
    private String theme;
    @Column(name = "annex_a", nullable = false)
    private String annexA;
    @Column(name = "clauses", nullable = false)
    private String clauses;
    @Column(name = "asset", nullable = false)
    private String asset;
    @Column(name = "severity", nullable = false)
    private String severity;
    @Column(name = "grade", nullable = false)
    private String grade;
    /** Why the grade was raised above what the matrix gives: {@code overdue} or {@code recurrence}; null when not. */
    @Column(name = "escalation")
    private String escalation;
    @Column(name = "owner")
    private String owner;
    @Column(name = "status", nullable = false)
    private String status;
    @Column(name = "incident", nullable = false)
    private boolean incident;

    @Column(name = "first_seen", nullable = false)
    private OffsetDateTime firstSeen;
    @Column(name = "last_seen", nullable = false)
    private OffsetDateTime lastSeen;
    /** Start of the current episode: opened, or reopened. Resolution needs evidence read after it. */
    @Column(name = "raised_at", nullable = false)
    private OffsetDateTime raisedAt;
    /** When a person claimed the fix; verification needs evidence read after it. */
    @Column(name = "claimed_at")
    private OffsetDateTime claimedAt;
    @Column(name = "resolved_at")
    private OffsetDateTime resolvedAt;
    @Column(name = "closed_at")
    private OffsetDateTime closedAt;
    @Column(name = "due_at")
    private OffsetDateTime dueAt;

    @Column(name = "occurrence_count", nullable = false)
    private int occurrenceCount;
    @Column(name = "recurrence_count", nullable = false)
    private int recurrenceCount;

    @Column(name = "root_cause")
    private String rootCause;
    @Column(name = "correction")
    private String correction;
    @Column(name = "corrective_action")
    private String correctiveAction;
    @Column(name = "risk_requested_by")
    private String riskRequestedBy;
    @Column(name = "risk_approver")
    private String riskApprover;
    @Column(name = "risk_justification")
    private String riskJustification;
    @Column(name = "risk_expires_at")
    private OffsetDateTime riskExpiresAt;
    /** When the journal was told this risk acceptance is about to expire; cleared by a new acceptance. */
    @Column(name = "risk_warned_at")
    private OffsetDateTime riskWarnedAt;
    @Column(name = "withdrawn_reason")
    private String withdrawnReason;
    /** The closed nonconformity of the same (rule, asset) this one is a recurrence of. */
    @Column(name = "previous_id")
    private Long previousId;

    /** The kinds of evidence it rests on for its asset, comma-separated; empty means every kind the rule reads. */
    @Column(name = "evidence_sources", nullable = false)
    private String evidenceSources;
    @Column(name = "evidence_summary", nullable = false)
    private String evidenceSummary;

    protected Nonconformity() {
    }

    Nonconformity(Raised raised, Instant at) {
        this.ruleId = raised.ruleId();
        this.ruleTitle = raised.ruleTitle();
        this.control = raised.controls().get(0);
        this.controls = String.join(",", raised.controls());
        this.theme = Themes.of(control);
        this.annexA = "A." + control;
        this.clauses = String.join(",", raised.clauses());
        this.asset = raised.asset();
        this.severity = raised.severity();
        this.grade = raised.grade();
        this.owner = raised.owner();
        this.incident = raised.incident();
        this.status = NonconformityStatus.OPEN.label();
        OffsetDateTime now = utc(at);
        this.firstSeen = now;
        this.lastSeen = now;
        this.raisedAt = now;
        this.evidenceSources = "";
        this.evidenceSummary = "";
        shareRepeatedValues();
    }

    /**
     * The register holds every active nonconformity, tens of thousands for a fleet, and most of their columns repeat
     * the same few values (rule, control, theme, severity, grade, kinds of evidence, the asset's name in each of its
     * nonconformities): one copy of each instead of one per row, whether made here or read from the database.
     */
    @jakarta.persistence.PostLoad
    private void shareRepeatedValues() {
        ruleId = shared(ruleId);
        ruleTitle = shared(ruleTitle);
        control = shared(control);
        controls = shared(controls);
        theme = shared(theme);
        annexA = shared(annexA);
        clauses = shared(clauses);
        asset = shared(asset);
        severity = shared(severity);
        grade = shared(grade);
        owner = shared(owner);
        status = shared(status);
        evidenceSources = shared(evidenceSources);
    }

    private static String shared(String value) {
        return value == null ? null : SharedStrings.share(value);
    }

    /** What a new nonconformity is raised with: the rule's citation, the asset's grade and owner. */
    record Raised(String ruleId, String ruleTitle, List<String> controls, List<String> clauses, String asset,
                  String severity, String grade, String owner, boolean incident) {
    }

    static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    // --- changes, made by the register only ---

    void status(NonconformityStatus next) {
        this.status = next.label();
    }

    void seen(Instant at) {
        if (at.isAfter(lastSeen.toInstant())) {
            lastSeen = utc(at);
        }
    }

    void occurrencesAdded(int count) {
        occurrenceCount += count;
    }

    void summary(String summary) {
        this.evidenceSummary = summary;
    }

    void restsOn(Set<String> sources) {
        this.evidenceSources = shared(String.join(",", new java.util.TreeSet<>(sources)));
    }

    void reopen(Instant at) {
        status(NonconformityStatus.REOPENED);
        recurrenceCount++;
        raisedAt = utc(at);
        claimedAt = null;
        resolvedAt = null;
    }

    /** Its insert was rolled back: it was never stored, and is inserted again as new, under a new id. */
    void insertRolledBack() {
        id = null;
        version = 0;
    }

    void claimed(Instant at) {
        claimedAt = utc(at);
    }

    void resolved(Instant at) {
        status(NonconformityStatus.RESOLVED);
        resolvedAt = utc(at);
    }

    void closed(Instant at) {
        status(NonconformityStatus.CLOSED);
        closedAt = utc(at);
    }

    void withdrawn(String reason) {
        status(NonconformityStatus.WITHDRAWN);
        withdrawnReason = reason;
        // withdrawn means it was never a fix: a resolved one withdrawn (false positive, decommissioned asset) must not
        // keep a resolution date that figures and audits would count as corrected; the audit trail keeps the history
        resolvedAt = null;
    }

    void plan(String rootCause, String correction, String correctiveAction, Instant due, String owner) {
        this.rootCause = rootCause;
        this.correction = correction;
        this.correctiveAction = correctiveAction;
        this.dueAt = utc(due);
        if (owner != null) {
            this.owner = owner;
        }
    }

    void acceptRisk(String requestedBy, String approver, String justification, Instant expires) {
        status(NonconformityStatus.RISK_ACCEPTED);
        riskRequestedBy = requestedBy;
        riskApprover = approver;
        riskJustification = justification;
        riskExpiresAt = utc(expires);
        riskWarnedAt = null;
    }

    void riskWarned(Instant at) {
        riskWarnedAt = utc(at);
    }

    void grade(String grade, String escalation) {
        this.grade = grade;
        this.escalation = escalation;
    }

    void previous(Long id) {
        this.previousId = id;
    }

    // --- reading ---

    public Long getId() {
        return id;
    }

    public long getVersion() {
        return version;
    }

    public String getRuleId() {
        return ruleId;
    }

    public String getRuleTitle() {
        return ruleTitle;
    }

    /** The ISO/IEC 27002:2022 control. */
    public String getControl() {
        return control;
    }

    public List<String> getControls() {
        return Arrays.asList(controls.split(","));
    }

    public String getTheme() {
        return theme;
    }

    /** The ISO/IEC 27001:2022 Annex A control: {@code A.8.5}. */
    public String getAnnexA() {
        return annexA;
    }

    /** The ISO/IEC 27001:2022 clauses breached: {@code 6.1.3, 8.1}, or {@code 9.1} for a monitoring gap. */
    public List<String> getClauses() {
        return clauses.isEmpty() ? List.of() : Arrays.asList(clauses.split(","));
    }

    /** The requirement in one word, for filters and lists: the first clause for a monitoring gap, else Annex A. */
    public String getRequirement() {
        return getClauses().contains("9.1") ? "9.1" : annexA;
    }

    public String getAsset() {
        return asset;
    }

    public String getSeverity() {
        return severity;
    }

    public String getGrade() {
        return grade;
    }

    public String getEscalation() {
        return escalation;
    }

    public String getOwner() {
        return owner;
    }

    public NonconformityStatus getStatus() {
        return NonconformityStatus.parse(status);
    }

    public boolean isIncident() {
        return incident;
    }

    public Instant getFirstSeen() {
        return instant(firstSeen);
    }

    public Instant getLastSeen() {
        return instant(lastSeen);
    }

    public Instant getRaisedAt() {
        return instant(raisedAt);
    }

    public Instant getClaimedAt() {
        return instant(claimedAt);
    }

    public Instant getResolvedAt() {
        return instant(resolvedAt);
    }

    public Instant getClosedAt() {
        return instant(closedAt);
    }

    public Instant getDueAt() {
        return instant(dueAt);
    }

    public int getOccurrenceCount() {
        return occurrenceCount;
    }

    public int getRecurrenceCount() {
        return recurrenceCount;
    }

    public String getRootCause() {
        return rootCause;
    }

    public String getCorrection() {
        return correction;
    }

    public String getCorrectiveAction() {
        return correctiveAction;
    }

    public String getRiskRequestedBy() {
        return riskRequestedBy;
    }

    public String getRiskApprover() {
        return riskApprover;
    }

    public String getRiskJustification() {
        return riskJustification;
    }

    public Instant getRiskExpiresAt() {
        return instant(riskExpiresAt);
    }

    public Instant getRiskWarnedAt() {
        return instant(riskWarnedAt);
    }

    public String getWithdrawnReason() {
        return withdrawnReason;
    }

    public Long getPreviousId() {
        return previousId;
    }

    public Set<String> getEvidenceSources() {
        String stored = evidenceSources;
        Set<String> sources = SOURCE_SETS.get(stored);
        if (sources == null) {
            sources = stored.isEmpty() ? Set.of()
                    : Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(stored.split(","))));
            if (SOURCE_SETS.size() < MAX_SOURCE_SETS) {
                SOURCE_SETS.putIfAbsent(stored, sources);
            }
        }
        return sources;
    }

    /**
     * The column split, per value: asked for every active nonconformity on every evaluation cycle, and a register
     * has a handful of distinct values (the kinds of evidence a rule rests on), so one immutable set each serves all
     * rows. Bounded: past it a value is split on each call.
     */
    private static final java.util.Map<String, Set<String>> SOURCE_SETS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_SOURCE_SETS = 4096;

    public String getEvidenceSummary() {
        return evidenceSummary;
    }
}
