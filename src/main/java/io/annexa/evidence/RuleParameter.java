package io.annexa.evidence;

import java.time.Duration;
import java.util.Objects;

/**
 * A rule's threshold as it applies here: the default from its {@code rule.yml}, or the value set for
 * this environment in {@code config/rules.yml}. Rules match on it instead of hard-coding numbers:
 * {@code RuleParameter(rule == "sshd_max_auth_tries_limited", name == "max_auth_tries", $max : intValue)}.
 */
public final class RuleParameter {

    private final String rule;
    private final String name;
    private final String value;
    /**
     * The value as a duration, parsed once: temporal rules compare every event's time with the window, and parsing
     * the text again for each comparison was about 6 % of the evaluation thread's time (LogThroughputBenchmark).
     * Null when the value is not a duration.
     */
    private final Duration duration;

    public RuleParameter(String rule, String name, String value) {
        this.rule = Objects.requireNonNull(rule, "rule");
        this.name = Objects.requireNonNull(name, "name");
        this.value = Objects.requireNonNull(value, "value");
        this.duration = durationOrNull(value);
    }

    private static Duration durationOrNull(String value) {
        try {
            return parseDuration(value);
        } catch (RuntimeException notADuration) {
            return null;
        }
    }

    public String rule() { return rule; }
    public String name() { return name; }
    public String value() { return value; }

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
        return duration != null ? duration : parseDuration(value);
    }

    public long getDurationMillis() {
        return getDurationValue().toMillis();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuleParameter other && rule.equals(other.rule) && name.equals(other.name) && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rule, name, value);
    }

    @Override
    public String toString() {
        return "RuleParameter[rule=" + rule + ", name=" + name + ", value=" + value + "]";
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
