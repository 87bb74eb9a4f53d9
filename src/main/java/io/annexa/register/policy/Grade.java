package io.annexa.register.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How grave a nonconformity is, as certification audits grade them. Declared worst first. */
public enum Grade {
    MAJOR, MINOR, OBSERVATION;

    static final String ALLOWED = Arrays.stream(values()).map(Grade::label).collect(Collectors.joining(", "));

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value and the allowed ones */
    public static Grade parse(String text) {
        if (text != null) {
            for (Grade g : values()) {
                if (g.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return g;
                }
            }
        }
        throw new IllegalArgumentException("grade '" + text + "' is not one of " + ALLOWED);
    }

    /** Major is worst, observation least. */
    public boolean worseThan(Grade other) {
        return ordinal() < other.ordinal();
    }
}
