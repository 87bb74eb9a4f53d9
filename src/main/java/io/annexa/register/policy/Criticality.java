package io.annexa.register.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How much harm an asset's failing control can do (ISO/IEC 27002:2022 5.9, 5.12), as the asset inventory states it.
 * Written in lower case in {@code config/assets.yml}, {@code config/register.yml} and the API.
 */
public enum Criticality {
    LOW, MEDIUM, HIGH, CRITICAL;

    static final String ALLOWED = Arrays.stream(values()).map(Criticality::label).collect(Collectors.joining(", "));

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value and the allowed ones */
    public static Criticality parse(String text) {
        if (text != null) {
            for (Criticality c : values()) {
                if (c.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("criticality '" + text + "' is not one of " + ALLOWED);
    }
}
