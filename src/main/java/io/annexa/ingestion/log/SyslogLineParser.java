package io.annexa.ingestion.log;

import io.annexa.evidence.InvalidInputException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Splits one line of a syslog <em>file</em> into a {@link SyslogRecord}:
 * <pre>
 * Dec 10 06:55:46 LabSZ sshd[24200]: message                       (RFC 3164, as syslogd/rsyslog write files)
 * Jun  9 04:06:20 combo logrotate: message                         (space-padded day, tag without pid)
 * 2026-11-28T01:02:03.123456+00:00 host prog[1]: message           (rsyslog's high-precision format)
 * </pre>
 *
 * <p>RFC 3164 timestamps carry no year and no zone. The zone is the one of the machine that wrote the file;
 * the year is the latest one that puts the line at most a day after the reference clock, so December lines
 * read in January land in the year before, and a machine whose clock runs a little ahead is still believed.
 * Give a fixed clock (the file's modification time) when reading old files.
 *
 * <p>The tag is everything up to the first colon that ends a word, within 64 characters:
 * real files hold tags RFC 3164 does not allow ({@code syslogd 1.4.1: restart.}, {@code -- root[2421]: ROOT
 * LOGIN ON tty2}, {@code sshd(pam_unix)[19939]:}), and they are kept verbatim as the program. A line whose
 * first word after the host ends no tag (sysklogd's {@code last message repeated 2 times}) has an empty program.
 *
 * <p>Hand-written scanning rather than regular expressions: this runs once per log line, millions of times.
 * Thread-safe; the caches below are immutable snapshots, so a race only costs a recomputation.
 */
public final class SyslogLineParser {

    static final int MAX_TAG_LENGTH = 64;
    private static final long ONE_DAY = 86_400;
    // Every fourth year has a 29 February, except around 2100; eight years back always finds one.
    private static final int YEARS_TO_SEARCH = 8;
    private static final String NOT_SYSLOG =
            "not a syslog line: expected 'Mmm dd hh:mm:ss host' or an RFC 3339 timestamp and host at the start";

    private final Clock reference;
    private final ZoneId zone;

    private LocalMinute lastMinute;
    private String lastHost = "";
    private String lastProgram = "";

    /**
     * @param reference when the lines are read; yearless timestamps are placed at most a day after it
     * @param zone      the zone the writing machine's clock was set to
     */
    public SyslogLineParser(Clock reference, ZoneId zone) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** For files written before {@code reference}, such as one last modified then. */
    public SyslogLineParser(Instant reference, ZoneId zone) {
        this(Clock.fixed(Objects.requireNonNull(reference, "reference"), zone), zone);
    }

    /**
     * @param file       named in the exception, so the reader can find the line
     * @param lineNumber 1-based, named in the exception
     */
    public SyslogRecord parse(String line, String file, int lineNumber) throws InvalidInputException {
        int end = line.length();
        // Files with CRLF endings read by splitting on LF keep the CR; it is no part of the message.
        while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n')) {
            end--;
        }
        if (end == 0) {
            throw new InvalidInputException(file, lineNumber, "empty line");
        }
        int timestampEnd;
        Instant timestamp;
        if (isDigit(line.charAt(0))) {
            timestampEnd = indexOf(line, ' ', 0, end);
            timestamp = rfc3339(line, timestampEnd, file, lineNumber);
        } else {
            timestampEnd = rfc3164End(line, end);
            if (timestampEnd < 0) {
                throw new InvalidInputException(file, lineNumber, NOT_SYSLOG);
            }
            timestamp = rfc3164(line, timestampEnd, file, lineNumber);
        }

        if (timestampEnd >= end || line.charAt(timestampEnd) != ' ' || timestampEnd + 1 == end
                || line.charAt(timestampEnd + 1) == ' ') {
            throw new InvalidInputException(file, lineNumber, "no host after the timestamp");
        }
        int hostStart = timestampEnd + 1;
        int hostEnd = indexOf(line, ' ', hostStart, end);
        String host = lastHost = reuse(lastHost, line, hostStart, hostEnd);

        int tagStart = hostEnd;
        while (tagStart < end && line.charAt(tagStart) == ' ') {
            tagStart++;
        }
        int colon = tagColon(line, tagStart, end);
        String program = "";
        String pid = "";
        int messageStart = tagStart;
        if (colon >= 0) {
            int programEnd = colon;
            int bracket = line.lastIndexOf('[', colon);
            if (colon > tagStart && line.charAt(colon - 1) == ']' && bracket > tagStart) {
                programEnd = bracket;
                pid = line.substring(bracket + 1, colon - 1);
            }
            program = lastProgram = reuse(lastProgram, line, tagStart, programEnd);
            messageStart = colon + 1 < end ? colon + 2 : end;
        }
        String raw = end == line.length() ? line : line.substring(0, end);
        return new SyslogRecord(timestamp, host, program, pid, line.substring(messageStart, end), raw);
    }

    /** The colon ending the tag: the first one followed by a space or the line's end, or -1. */
    private static int tagColon(String line, int from, int end) {
        int limit = Math.min(end, from + MAX_TAG_LENGTH);
        for (int i = from; i < limit; i++) {
            if (line.charAt(i) == ':' && (i + 1 == end || line.charAt(i + 1) == ' ')) {
                return i;
            }
        }
        return -1;
    }

    /** Most lines of a file share host and program: reusing the string saves its allocation and its hash. */
    private static String reuse(String previous, String line, int from, int to) {
        int length = to - from;
        if (previous.length() == length && line.regionMatches(from, previous, 0, length)) {
            return previous;
        }
        return line.substring(from, to);
    }

    // ---- RFC 3164: "Mmm dd hh:mm:ss", day space- or zero-padded

    /** Where the time ends if the line starts with an RFC 3164 timestamp, else -1. */
    private static int rfc3164End(String line, int end) {
        if (end < 14 || line.charAt(3) != ' ' || month(line) == 0) {
            return -1;
        }
        int dayEnd;
        if (line.charAt(4) == ' ' && isDigit(line.charAt(5))) {
            dayEnd = 6;
        } else if (isDigit(line.charAt(4))) {
            dayEnd = isDigit(line.charAt(5)) ? 6 : 5;
        } else {
            return -1;
        }
        int time = dayEnd + 1;
        if (line.charAt(dayEnd) != ' ' || end < time + 8 || !isTime(line, time)) {
            return -1;
        }
        return time + 8;
    }

    private static boolean isTime(String line, int at) {
        return isDigit(line.charAt(at)) && isDigit(line.charAt(at + 1)) && line.charAt(at + 2) == ':'
                && isDigit(line.charAt(at + 3)) && isDigit(line.charAt(at + 4)) && line.charAt(at + 5) == ':'
                && isDigit(line.charAt(at + 6)) && isDigit(line.charAt(at + 7));
    }

    private Instant rfc3164(String line, int timeEnd, String file, int lineNumber) throws InvalidInputException {
        int month = month(line);
        int dayEnd = timeEnd - 9;
        int day = line.charAt(dayEnd - 2) == ' '
                ? digit(line, dayEnd - 1) : digit(line, dayEnd - 2) * 10 + digit(line, dayEnd - 1);
        int time = timeEnd - 8;
        int hour = twoDigits(line, time);
        int minute = twoDigits(line, time + 3);
        int second = twoDigits(line, time + 6);
        if (month == 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
            throw new InvalidInputException(file, lineNumber,
                    "invalid timestamp '" + line.substring(0, timeEnd) + "'");
        }
        long latest = reference.instant().getEpochSecond() + ONE_DAY;
        LocalMinute cached = lastMinute;
        if (cached == null || !cached.answers(month, day, hour, minute, second, latest)) {
            cached = lastMinute = locate(month, day, hour, minute, second, latest);
            if (cached == null) {
                throw new InvalidInputException(file, lineNumber,
                        "no year has the date '" + line.substring(0, dayEnd) + "'");
            }
        }
        return Instant.ofEpochSecond(cached.epochSecond + second);
    }

    /** The latest occurrence of this local minute that keeps the line at most a day in the future. */
    private LocalMinute locate(int month, int day, int hour, int minute, int second, long latest) {
        int year = Instant.ofEpochSecond(latest).atZone(zone).getYear();
        Long chosen = null;
        int chosenYear = year;
        for (int y = year; y > year - YEARS_TO_SEARCH && chosen == null; y--) {
            Long start = minuteStart(y, month, day, hour, minute);
            if (start != null && start + second <= latest) {
                chosen = start;
                chosenYear = y;
            }
        }
        if (chosen == null) {
            return null;
        }
        Long next = null;
        for (int y = chosenYear + 1; y <= chosenYear + YEARS_TO_SEARCH && next == null; y++) {
            next = minuteStart(y, month, day, hour, minute);
        }
        return new LocalMinute(month, day, hour, minute, chosen, next == null ? Long.MAX_VALUE : next);
    }

    private Long minuteStart(int year, int month, int day, int hour, int minute) {
        try {
            return LocalDateTime.of(year, month, day, hour, minute).atZone(zone).toEpochSecond();
        } catch (DateTimeException noSuchDate) {
            return null;
        }
    }

    /**
     * One local minute placed in time, and the start of its next occurrence: as long as the reference stays
     * between the two, every line of that minute gets the same year. Consecutive lines mostly share a minute.
     */
    private record LocalMinute(int month, int day, int hour, int minute, long epochSecond, long nextEpochSecond) {

        boolean answers(int month, int day, int hour, int minute, int second, long latest) {
            return this.minute == minute && this.hour == hour && this.day == day && this.month == month
                    && epochSecond + second <= latest && latest - second < nextEpochSecond;
        }
    }

    private static int month(String line) {
        char a = line.charAt(0);
        char b = line.charAt(1);
        char c = line.charAt(2);
        switch (a) {
            case 'J':
                if (b == 'a' && c == 'n') return 1;
                if (b == 'u' && c == 'n') return 6;
                if (b == 'u' && c == 'l') return 7;
                return 0;
            case 'F':
                return b == 'e' && c == 'b' ? 2 : 0;
            case 'M':
                if (b == 'a' && c == 'r') return 3;
                if (b == 'a' && c == 'y') return 5;
                return 0;
            case 'A':
                if (b == 'p' && c == 'r') return 4;
                if (b == 'u' && c == 'g') return 8;
                return 0;
            case 'S':
                return b == 'e' && c == 'p' ? 9 : 0;
            case 'O':
                return b == 'c' && c == 't' ? 10 : 0;
            case 'N':
                return b == 'o' && c == 'v' ? 11 : 0;
            case 'D':
                return b == 'e' && c == 'c' ? 12 : 0;
            default:
                return 0;
        }
    }

    // ---- RFC 3339: "2026-11-28T01:02:03[.fraction](Z|+hh:mm|-hh:mm)", local time in the zone if no offset

    private Instant rfc3339(String line, int end, String file, int lineNumber) throws InvalidInputException {
        if (end < 19 || line.charAt(4) != '-' || line.charAt(7) != '-' || line.charAt(10) != 'T'
                || !isTime(line, 11) || !allDigits(line, 0, 4) || !allDigits(line, 5, 7)
                || !allDigits(line, 8, 10)) {
            throw new InvalidInputException(file, lineNumber, NOT_SYSLOG);
        }
        int year = digit(line, 0) * 1000 + digit(line, 1) * 100 + twoDigits(line, 2);
        int month = twoDigits(line, 5);
        int day = twoDigits(line, 8);
        int hour = twoDigits(line, 11);
        int minute = twoDigits(line, 14);
        int second = twoDigits(line, 17);
        int at = 19;
        int nanos = 0;
        if (at < end && line.charAt(at) == '.') {
            int digits = 0;
            for (at++; at < end && isDigit(line.charAt(at)); at++, digits++) {
                if (digits < 9) {
                    nanos = nanos * 10 + digit(line, at);
                }
            }
            if (digits == 0) {
                throw invalidTimestamp(line, end, file, lineNumber);
            }
            for (int d = Math.min(digits, 9); d < 9; d++) {
                nanos *= 10;
            }
        }
        if (hour > 23 || minute > 59 || second > 60) {
            throw invalidTimestamp(line, end, file, lineNumber);
        }
        try {
            long local = LocalDate.of(year, month, day).toEpochDay() * ONE_DAY
                    + hour * 3600L + minute * 60L + second;
            if (at == end) {
                ZoneOffset offset = zone.getRules().getOffset(LocalDateTime.of(year, month, day, hour, minute));
                return Instant.ofEpochSecond(local - offset.getTotalSeconds(), nanos);
            }
            if (at + 1 == end && (line.charAt(at) == 'Z' || line.charAt(at) == 'z')) {
                return Instant.ofEpochSecond(local, nanos);
            }
            char sign = line.charAt(at);
            if (end - at != 6 || (sign != '+' && sign != '-') || line.charAt(at + 3) != ':'
                    || !allDigits(line, at + 1, at + 3) || !allDigits(line, at + 4, at + 6)) {
                throw invalidTimestamp(line, end, file, lineNumber);
            }
            int offsetSeconds = ZoneOffset.ofHoursMinutes(twoDigits(line, at + 1), twoDigits(line, at + 4))
                    .getTotalSeconds();
            return Instant.ofEpochSecond(local - (sign == '-' ? -offsetSeconds : offsetSeconds), nanos);
        } catch (DateTimeException e) {
            throw invalidTimestamp(line, end, file, lineNumber);
        }
    }

    private static InvalidInputException invalidTimestamp(String line, int end, String file, int lineNumber) {
        return new InvalidInputException(file, lineNumber, "invalid timestamp '" + line.substring(0, end) + "'");
    }

    // ---- characters

    private static int indexOf(String line, char c, int from, int end) {
        int i = line.indexOf(c, from);
        return i < 0 || i > end ? end : i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int digit(String s, int at) {
        return s.charAt(at) - '0';
    }

    private static int twoDigits(String s, int at) {
        return digit(s, at) * 10 + digit(s, at + 1);
    }
}
