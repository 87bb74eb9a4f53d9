package io.annexa.register;

import java.util.Locale;

/** Where a nonconformity stands. The clause 10.2 lifecycle adds its own states on top of these. */
public enum NonconformityStatus {
    OPEN, RESOLVED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NonconformityStatus parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status '" + text + "' is not one of open, resolved");
        }
    }
}
