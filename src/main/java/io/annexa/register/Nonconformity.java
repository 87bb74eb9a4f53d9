package io.annexa.register;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.TableGenerator;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A nonconformity against an ISO/IEC 27001:2022 requirement, raised because a rule found an asset
 * not meeting an Annex A control. At most one is open per (rule, asset); when the finding goes away
 * it is resolved, and a later recurrence opens a new one so the history stays truthful.
 */
@Entity
@Table(name = "nonconformity", indexes = {
        @Index(name = "nonconformity_status", columnList = "status"),
        @Index(name = "nonconformity_rule_asset", columnList = "rule_id, asset")})
public class Nonconformity {

    static final int EVIDENCE_LIMIT = 8000;

    @Id
    @GeneratedValue(strategy = GenerationType.TABLE, generator = "nonconformity_ids")
    // A table generator is portable across H2 and PostgreSQL without dialect-specific identity columns.
    @TableGenerator(name = "nonconformity_ids", table = "id_sequence", pkColumnValue = "nonconformity", allocationSize = 20)
    private Long id;

    @Version
    private long version;

    @Column(name = "rule_id", nullable = false, length = 200)
    private String ruleId;

    @Column(name = "rule_title", nullable = false, length = 500)
    private String ruleTitle;

    /** The ISO/IEC 27002:2022 control id the nonconformity is raised against. */
    @Column(name = "control_id", nullable = false, length = 10)
    private String control;

    /** Every control the rule cites, comma-separated, the first being {@link #control}. */
    @Column(name = "controls", nullable = false, length = 200)
    private String controls;

    @Column(name = "asset", nullable = false, length = 255)
    private String asset;

    @Column(name = "severity", nullable = false, length = 20)
    private String severity;

    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false, length = 20)
    private NonconformityStatus status;

    @Column(name = "first_seen", nullable = false)
    private Instant firstSeen;

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    @Column(name = "resolved_at")
    private Instant resolvedAt;

    @Column(name = "evidence", nullable = false, length = EVIDENCE_LIMIT)
    private String evidence;

    // null in rows stored before requirements were recorded: those were all raised against Annex A
    @Column(name = "requirement", length = 20)
    private String requirement;

    // Raised by incidents (things that happened): absence of new ones is no evidence of a fix, so the register
    // never resolves it. Null in rows stored before incidents existed, which were all raised by states.
    @Column(name = "incident")
    private Boolean incident;

    protected Nonconformity() {
    }

    Nonconformity(String ruleId, String ruleTitle, List<String> controls, String asset, String severity,
                  String evidence, Instant seen) {
        this(ruleId, ruleTitle, controls, "A." + controls.get(0), asset, severity, evidence, seen);
    }

    Nonconformity(String ruleId, String ruleTitle, List<String> controls, String requirement, String asset,
                  String severity, String evidence, Instant seen) {
        this.requirement = requirement;
        this.ruleId = ruleId;
        this.ruleTitle = ruleTitle;
        this.control = controls.get(0);
        this.controls = String.join(",", controls);
        this.asset = asset;
        this.severity = severity;
        this.status = NonconformityStatus.OPEN;
        this.firstSeen = seen;
        this.lastSeen = seen;
        setEvidence(evidence);
    }

    void seenAgain(String evidence, Instant seen) {
        setEvidence(evidence);
        if (seen.isAfter(lastSeen)) {
            lastSeen = seen;
        }
    }

    /** Whether it records something that happened rather than a state that holds; such nonconformities are closed by people. */
    public boolean isIncident() {
        return Boolean.TRUE.equals(incident);
    }

    void markIncident() {
        incident = Boolean.TRUE;
    }

    void resolve(Instant at) {
        status = NonconformityStatus.RESOLVED;
        resolvedAt = at;
    }

    private void setEvidence(String text) {
        this.evidence = fit(text);
    }

    /** The evidence as it is stored: cut to the column's size. */
    static String fit(String text) {
        return text.length() <= EVIDENCE_LIMIT ? text : text.substring(0, EVIDENCE_LIMIT - 20) + " ... (truncated)";
    }

    public Long getId() {
        return id;
    }

    public String getRuleId() {
        return ruleId;
    }

    public String getRuleTitle() {
        return ruleTitle;
    }

    public String getControl() {
        return control;
    }

    public List<String> getControls() {
        return Arrays.asList(controls.split(","));
    }

    /**
     * The ISO/IEC 27001:2022 requirement: the Annex A control of the same number ({@code A.8.5}), or the
     * clause the rule names ({@code 9.1} for a monitoring gap).
     */
    public String getRequirement() {
        return requirement == null ? "A." + control : requirement;
    }

    public String getAsset() {
        return asset;
    }

    public String getSeverity() {
        return severity;
    }

    public NonconformityStatus getStatus() {
        return status;
    }

    public Instant getFirstSeen() {
        return firstSeen;
    }

    public Instant getLastSeen() {
        return lastSeen;
    }

    public Instant getResolvedAt() {
        return resolvedAt;
    }

    public String getEvidence() {
        return evidence;
    }
}
