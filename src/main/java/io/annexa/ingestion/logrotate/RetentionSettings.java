package io.annexa.ingestion.logrotate;

import io.annexa.evidence.InvalidInputException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The settings that decide how long rotated logs are kept, inherited as logrotate inherits them: a block starts
 * from the global settings in force where it begins and changes its own copy. The arithmetic is in {@link #days()}.
 */
final class RetentionSettings {

    static final String UNLIMITED = "unlimited";
    static final String UNKNOWN = "unknown";

    /** Length of a rotation period in days; hourly is handled apart, in hours. */
    private static final Map<String, Integer> PERIOD_DAYS = Map.of("daily", 1, "weekly", 7, "monthly", 30, "yearly", 365);
    /** strtol with base 0, as logrotate reads counts: decimal, 0x hexadecimal, 0 octal. */
    private static final Pattern C_INTEGER = Pattern.compile("-?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)");

    /** logrotate's default: no rotated copies are kept. */
    private long rotate;
    /** hourly, daily, weekly, monthly, yearly, size; null while none was given (logrotate then rotates by size). */
    private String period;
    private long maxAge;
    private boolean maxSize;

    RetentionSettings copy() {
        RetentionSettings copy = new RetentionSettings();
        copy.rotate = rotate;
        copy.period = period;
        copy.maxAge = maxAge;
        copy.maxSize = maxSize;
        return copy;
    }

    /** Takes note of a directive; checks the values logrotate would refuse. */
    void apply(String directive, String value, String file, int line) throws InvalidInputException {
        switch (directive) {
            case "hourly", "daily", "monthly", "yearly", "size" -> period = directive;
            case "weekly" -> {
                if (!value.isEmpty() && !value.matches("[0-7]")) {
                    throw new InvalidInputException(file, line, "bad weekly directive '" + value + "': the weekday is 0 to 7");
                }
                period = directive;
            }
            case "maxsize" -> maxSize = true;
            case "rotate" -> {
                rotate = integer(directive, value, file, line);
                if (rotate < -1) {
                    throw new InvalidInputException(file, line, "bad rotation count '" + value + "': -1 or more");
                }
            }
            case "maxage" -> {
                maxAge = integer(directive, value, file, line);
                if (maxAge < 0) {
                    throw new InvalidInputException(file, line, "bad maximum age '" + value + "': 0 or more days");
                }
            }
            default -> {
            }
        }
    }

    /**
     * Days of rotated logs kept: {@code rotate} × period length (daily 1, weekly 7, monthly 30, yearly 365; hourly
     * rotate ÷ 24, rounded down), capped by {@code maxage} when that is set. {@code 0} with {@code rotate 0} (old
     * logs are removed at once). With {@code rotate -1} nothing is removed but by {@code maxage}: its days, or
     * {@code unlimited}. {@code unknown} when rotation is not by time (no period given, {@code size}, or a
     * {@code maxsize} that may rotate a busy log before its period ends). {@code minsize} only delays rotations,
     * so the days stay a lower bound.
     */
    String days() {
        if (rotate == 0) {
            return "0";
        }
        if (rotate == -1) {
            return maxAge > 0 ? Long.toString(maxAge) : UNLIMITED;
        }
        if (period == null || period.equals("size") || maxSize) {
            return UNKNOWN;
        }
        long days = period.equals("hourly") ? rotate / 24 : rotate * PERIOD_DAYS.get(period);
        return Long.toString(maxAge > 0 ? Math.min(days, maxAge) : days);
    }

    private static long integer(String directive, String value, String file, int line) throws InvalidInputException {
        if (!C_INTEGER.matcher(value).matches()) {
            throw new InvalidInputException(file, line, "'" + directive + "' needs a whole number, not '" + value + "'");
        }
        try {
            return Long.decode(value);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(file, line, "'" + directive + "' value '" + value + "' is out of range");
        }
    }
}
