package io.annexa.control;

import java.util.Locale;

/** Where a control stands in the Statement of Applicability, joining the organisation's decision with live evaluation. */
public enum SoaStatus {
    /** Applicable, evaluated by at least one rule, no open nonconformity. */
    COMPLIANT,
    /** At least one open nonconformity cites the control. */
    NONCONFORMING,
    /** Applicable, but no rule has evaluated evidence for it yet (or no rule covers it). */
    NOT_EVALUATED,
    /** Excluded by the organisation. */
    NOT_APPLICABLE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
