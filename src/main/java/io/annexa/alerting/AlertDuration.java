package io.annexa.alerting;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Prometheus and Alertmanager write them: units from largest to smallest, each at most once, no spaces:
 * {@code 0s}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 7d}, {@code 2w}, {@code 1y} (365 days), {@code 500ms};
 * a bare {@code 0} is zero.
 */
final class AlertDuration {

    static final String FORMS = "0s, 30s, 5m, 1h30m, 24h or 7d";

    private static final Pattern FORM = Pattern.compile(
            "(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?");
    private static final long[] MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1};

    private AlertDuration() {
    }

    /** @throws IllegalArgumentException for anything else, or a duration too long to represent */
    static Duration parse(String text) {
        if ("0".equals(text)) {
            return Duration.ZERO;
        }
        Matcher m = FORM.matcher(text);
        if (text.isEmpty() || text.length() > 64 || !m.matches()) {
            throw new IllegalArgumentException("not a duration like " + FORMS);
        }
        long millis = 0;
        try {
            for (int unit = 0; unit < MILLIS.length; unit++) {
                if (m.group(unit + 1) != null) {
                    millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(m.group(unit + 1)), MILLIS[unit]));
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("too long");
        }
        return Duration.ofMillis(millis);
    }

    /** The shortest text {@link #parse} reads back to this duration. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
        StringBuilder text = new StringBuilder();
        for (int unit = 0; unit < MILLIS.length; unit++) {
            if (millis >= MILLIS[unit]) {
                text.append(millis / MILLIS[unit]).append(units[unit]);
                millis %= MILLIS[unit];
            }
        }
        return text.toString();
    }
}
