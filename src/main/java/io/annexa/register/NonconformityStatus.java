package io.annexa.register;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a nonconformity stands in the ISO/IEC 27001:2022 clause 10.2 lifecycle: react (acknowledged), correct and
 * find the cause (action-planned), fix (resolved, or pending-verification while a claimed fix waits for fresh
 * evidence), review effectiveness (closed after a period without recurrence). Risk-accepted and withdrawn leave
 * the lifecycle on purpose and say why.
 */
public enum NonconformityStatus {
    OPEN, ACKNOWLEDGED, ACTION_PLANNED, PENDING_VERIFICATION, RESOLVED, REOPENED, RISK_ACCEPTED, CLOSED, WITHDRAWN;

    /** One copy per status: every nonconformity of the register holds its status as this string. */
    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String label() {
        return label;
    }

    /** Still the (rule, asset)'s current nonconformity: a recurrence reopens it instead of opening a new one. */
    public boolean active() {
        return this != CLOSED && this != WITHDRAWN;
    }

    /** Not fixed: counted as open in the register's figures and snapshots. */
    public boolean unfixed() {
        return this == OPEN || this == ACKNOWLEDGED || this == ACTION_PLANNED || this == PENDING_VERIFICATION || this == REOPENED;
    }

    /** The statuses {@link #unfixed()} holds for. */
    public static java.util.Set<NonconformityStatus> unfixedOnes() {
        return java.util.EnumSet.copyOf(Arrays.stream(values()).filter(NonconformityStatus::unfixed).toList());
    }

    public static NonconformityStatus parse(String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        for (NonconformityStatus status : values()) {
            if (status.label().equals(wanted) || status.name().equalsIgnoreCase(wanted)) {
                return status;
            }
        }
        throw new IllegalArgumentException("status '" + text + "' is not one of "
                + Arrays.stream(values()).map(NonconformityStatus::label).collect(Collectors.joining(", ")));
    }
}
