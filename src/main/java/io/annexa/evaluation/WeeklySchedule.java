package io.annexa.evaluation;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recurring weekly time windows, written the way change calendars state them:
 * {@code "Sat 22:00-Sun 06:00, Wed 02:00-04:00"}. A window may wrap past midnight and past the week's end.
 * Rules use it through the {@code schedule} parameter type:
 * {@code WeeklySchedule.parse($spec).contains($e.getTimestamp(), $zone)}.
 */
public final class WeeklySchedule {

    private static final Pattern WINDOW = Pattern.compile(
            "(?i)\\s*(mon|tue|wed|thu|fri|sat|sun)\\s+(\\d{1,2}:\\d{2})\\s*-\\s*(?:(mon|tue|wed|thu|fri|sat|sun)\\s+)?(\\d{1,2}:\\d{2})\\s*");
    private static final long WEEK_MINUTES = 7 * 24 * 60;
    private static final Map<String, WeeklySchedule> PARSED = new ConcurrentHashMap<>();

    /** Start and end in minutes since Monday 00:00; end may exceed a week when the window wraps. */
    private record Window(long start, long end) {
    }

    private final List<Window> windows;

    private WeeklySchedule(List<Window> windows) {
        this.windows = List.copyOf(windows);
    }

    /**
     * @param spec comma-separated windows; empty means no window at all
     * @throws IllegalArgumentException naming the part that is not a window
     */
    public static WeeklySchedule parse(String spec) {
        WeeklySchedule cached = PARSED.get(spec);
        if (cached != null) {
            return cached;
        }
        List<Window> windows = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            Matcher m = WINDOW.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not a weekly window like 'Sat 22:00-Sun 06:00'");
            }
            DayOfWeek startDay = day(m.group(1));
            DayOfWeek endDay = m.group(3) == null ? startDay : day(m.group(3));
            long start = minuteOfWeek(startDay, time(m.group(2)));
            long end = minuteOfWeek(endDay, time(m.group(4)));
            if (end <= start) {
                end += WEEK_MINUTES;
            }
            windows.add(new Window(start, end));
        }
        WeeklySchedule schedule = new WeeklySchedule(windows);
        if (PARSED.size() < 1000) {
            PARSED.put(spec, schedule);
        }
        return schedule;
    }

    /** Whether {@code at}, read in time zone {@code zone}, falls inside one of the windows. */
    public boolean contains(Instant at, String zone) {
        ZonedDateTime local = at.atZone(ZoneId.of(zone));
        long minute = minuteOfWeek(local.getDayOfWeek(), local.toLocalTime().truncatedTo(ChronoUnit.MINUTES));
        for (Window window : windows) {
            if ((minute >= window.start && minute < window.end)
                    || (minute + WEEK_MINUTES >= window.start && minute + WEEK_MINUTES < window.end)) {
                return true;
            }
        }
        return false;
    }

    private static DayOfWeek day(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "mon" -> DayOfWeek.MONDAY;
            case "tue" -> DayOfWeek.TUESDAY;
            case "wed" -> DayOfWeek.WEDNESDAY;
            case "thu" -> DayOfWeek.THURSDAY;
            case "fri" -> DayOfWeek.FRIDAY;
            case "sat" -> DayOfWeek.SATURDAY;
            default -> DayOfWeek.SUNDAY;
        };
    }

    private static LocalTime time(String text) {
        String[] parts = text.split(":");
        int hour = Integer.parseInt(parts[0]);
        int minute = Integer.parseInt(parts[1]);
        if (hour == 24 && minute == 0) {
            return LocalTime.MAX.truncatedTo(ChronoUnit.MINUTES);
        }
        if (hour > 23 || minute > 59) {
            throw new IllegalArgumentException("'" + text + "' is not a time of day (00:00 to 24:00)");
        }
        return LocalTime.of(hour, minute);
    }

    private static long minuteOfWeek(DayOfWeek day, LocalTime time) {
        return (day.getValue() - 1) * 24L * 60 + time.getHour() * 60L + time.getMinute();
    }
}
