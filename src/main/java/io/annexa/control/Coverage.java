package io.annexa.control;

import java.util.Locale;

/**
 * How a control is monitored, derived from the loaded rules, never typed by hand: {@code automated}
 * when a rule is mainly about it (its first control), {@code partial} when rules only cite it
 * beside their main control, {@code manual} when no rule touches it and a person must bring evidence.
 */
public enum Coverage {
    AUTOMATED, PARTIAL, MANUAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
