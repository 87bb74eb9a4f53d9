package io.annexa.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The period an audit report covers, [from, to), from the query parameters {@code from} and {@code to}: each a date
 * ({@code 2026-01-01}, UTC) or a time ({@code 2026-01-01T00:00:00Z}, or with an offset). A date as {@code to} takes in
 * that whole day, as people mean "from 2026-01-01 to 2026-12-31".
 *
 * @param fromText {@code from} as the file name shows it
 * @param toText   {@code to} as the file name shows it
 */
record AuditPeriod(Instant from, Instant to, String fromText, String toText) {

    static final int MAX_YEARS = 3;
    /** Times a database can store and a person can mean; outside them a query would fail instead of answering. */
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    /** @throws IllegalArgumentException naming the parameter and what it should be */
    static AuditPeriod parse(String from, String to) {
        Bound start = bound("from", from, false);
        Bound end = bound("to", to, true);
        if (!end.at().isAfter(start.at())) {
            throw new IllegalArgumentException("query parameter to: " + end.at() + " must be after from (" + start.at() + ")");
        }
        if (end.at().isAfter(start.at().atOffset(ZoneOffset.UTC).plusYears(MAX_YEARS).toInstant())) {
            throw new IllegalArgumentException("query parameter to: the period from " + start.at() + " to " + end.at()
                    + " is longer than " + MAX_YEARS + " years; ask for one report per period of at most " + MAX_YEARS + " years");
        }
        return new AuditPeriod(start.at(), end.at(), start.text(), end.text());
    }

    /** {@code annexa-audit-2026-01-01-2026-12-31.xml}: only digits, letters and dashes, whatever was asked. */
    String fileName(String extension) {
        return "annexa-audit-" + fromText + "-" + toText + "." + extension;
    }

    private record Bound(Instant at, String text) {
    }

    private static Bound bound(String parameter, String value, boolean end) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("query parameter " + parameter + ": required, a date (2026-01-01) or a time"
                    + " (2026-01-01T00:00:00Z)");
        }
        String text = value.strip();
        if (text.length() > 40) {
            throw new IllegalArgumentException("query parameter " + parameter + ": at most 40 characters, not " + text.length());
        }
        Bound bound;
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                bound = new Bound(day.plusDays(end ? 1 : 0).atStartOfDay(ZoneOffset.UTC).toInstant(), day.toString());
            } else {
                Instant at = Instant.parse(text);
                bound = new Bound(at, at.toString().replace(":", "").replace(".", ""));
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("query parameter " + parameter + ": '" + text
                    + "' is neither a date (2026-01-01) nor a time (2026-01-01T00:00:00Z)");
        }
        if (bound.at().isBefore(EARLIEST) || bound.at().isAfter(LATEST)) {
            throw new IllegalArgumentException("query parameter " + parameter + ": " + bound.at() + " is not between "
                    + EARLIEST + " and " + LATEST);
        }
        return bound;
    }
}
