package io.annexa.evidence;

import java.time.Duration;
import java.util.Objects;

/**
 * A rule's threshold as it applies here: the default from its {@code rule.yml}, or the value set for
 * this environment in {@code config/rules.yml}. Rules match on it instead of hard-coding numbers:
 * {@code RuleParameter(rule == "sshd_max_auth_tries_limited", name == "max_auth_tries", $max : intValue)}.
 */
public record RuleParameter(String rule, String name, String value) {

    public RuleParameter {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public String getRule() { return rule; }
    public String getName() { return name; }
    public String getValue() { return value; }

    public int getIntValue() {
        return Integer.parseInt(value.strip());
    }

    public boolean getBooleanValue() {
        return Boolean.parseBoolean(value.strip());
    }

    /** Durations are written {@code 10m}, {@code 2h}, {@code 30s}, {@code 7d} or ISO-8601 ({@code PT10M}). */
    public Duration getDurationValue() {
        return parseDuration(value);
    }

    public long getDurationMillis() {
        return getDurationValue().toMillis();
    }

    public static Duration parseDuration(String text) {
        String t = text.strip();
        if (t.startsWith("P") || t.startsWith("p")) {
            return Duration.parse(t.toUpperCase());
        }
        long amount = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("'" + text + "' is not a duration like 10m, 2h, 30s, 7d or PT10M");
        };
    }
}
