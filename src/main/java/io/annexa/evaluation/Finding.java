package io.annexa.evaluation;

import io.annexa.evidence.AssetNames;
import java.util.List;
import java.util.Objects;

/**
 * A rule's verdict that an asset does not meet a control, with the evidence that says so. Rules insert
 * findings logically, so a finding lives exactly as long as the facts that justify it.
 * Create them in DRL with {@code findings.of(drools, asset, evidence)}: id, controls and severity come
 * from the rule's {@code rule.yml}, so they cannot drift from it.
 *
 * <p>An <em>incident</em> ({@code findings.incident(...)}) is a finding about something that happened (a
 * brute-force burst, a root login at night) rather than a state that holds: it is reported once, then
 * leaves working memory, and the nonconformity it opens stays open until someone deals with it.
 */
public final class Finding {

    private final String ruleId;
    private final List<String> controls;
    private final String asset;
    private final Severity severity;
    private final String evidence;
    private final boolean incident;

    public Finding(String ruleId, List<String> controls, String asset, Severity severity, String evidence) {
        this(ruleId, controls, asset, severity, evidence, false);
    }

    public Finding(String ruleId, List<String> controls, String asset, Severity severity, String evidence,
                   boolean incident) {
        this.incident = incident;
        this.ruleId = Objects.requireNonNull(ruleId, "ruleId");
        this.controls = List.copyOf(controls);
        this.asset = AssetNames.normalize(asset);
        this.severity = Objects.requireNonNull(severity, "severity");
        this.evidence = evidence == null ? "" : evidence;
    }

    public String getRuleId() {
        return ruleId;
    }

    public List<String> getControls() {
        return controls;
    }

    /** The ISO/IEC 27002:2022 control the nonconformity is raised against. */
    public String getControl() {
        return controls.get(0);
    }

    public String getAsset() {
        return asset;
    }

    public Severity getSeverity() {
        return severity;
    }

    public String getEvidence() {
        return evidence;
    }

    /** Something that happened, reported once; see the class comment. */
    public boolean isIncident() {
        return incident;
    }

    /** One nonconformity per (rule, asset) while open: this is that identity. */
    public FindingKey key() {
        return new FindingKey(ruleId, asset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Finding other && ruleId.equals(other.ruleId) && asset.equals(other.asset)
                && controls.equals(other.controls) && severity == other.severity && evidence.equals(other.evidence) && incident == other.incident;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ruleId, asset, controls, severity, evidence, incident);
    }

    @Override
    public String toString() {
        return (incident ? "Incident[" : "Finding[") + ruleId + " on " + asset + ": " + evidence + "]";
    }

    public record FindingKey(String ruleId, String asset) {
    }
}
