package io.annexa.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One rule result of a compliance scanner (an OpenSCAP XCCDF rule-result): which check, on which
 * host, with what outcome. {@code controls} are the ISO/IEC 27002:2022 controls the check evidences,
 * translated from the ISO/IEC 27001:2013 references scanners still carry.
 *
 * @param result pass, fail, error, unknown, notapplicable, notchecked, notselected, informational or fixed
 */
public record CheckResult(String asset, String source, String file, String ruleId, String title, String severity,
                          String result, List<String> controls, List<String> references2013, Instant checkedAt) {

    public CheckResult {
        asset = AssetNames.normalize(asset);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(ruleId, "ruleId");
        title = title == null ? "" : title;
        severity = severity == null ? "unknown" : severity;
        Objects.requireNonNull(result, "result");
        controls = List.copyOf(controls);
        references2013 = List.copyOf(references2013);
        Objects.requireNonNull(checkedAt, "checkedAt");
    }

    // Getters in bean style, so DRL constraints read "result == 'fail'" for records too.
    public String getAsset() { return asset; }
    public String getSource() { return source; }
    public String getFile() { return file; }
    public String getRuleId() { return ruleId; }
    public String getTitle() { return title; }
    public String getSeverity() { return severity; }
    public String getResult() { return result; }
    public List<String> getControls() { return controls; }
    public List<String> getReferences2013() { return references2013; }
    public Instant getCheckedAt() { return checkedAt; }
}
