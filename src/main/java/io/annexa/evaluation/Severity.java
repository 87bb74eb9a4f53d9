package io.annexa.evaluation;

import java.util.Locale;

/** How urgently a finding needs attention. Written in lower case in rule.yml and the API. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity parse(String text) {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
    }
}
