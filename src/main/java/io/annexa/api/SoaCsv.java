package io.annexa.api;

import io.annexa.control.SoaEntry;
import io.annexa.control.StatementOfApplicability;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** The Statement of Applicability as CSV: one row per control, ready for a spreadsheet (RFC 4180, with header). */
final class SoaCsv {

    static final String[] HEADER = {"control", "annex_a", "title", "theme", "applicable", "justification",
            "implementation", "monitoring", "rules", "status", "last_evaluated", "open_nonconformities", "problems", "notes"};

    private SoaCsv() {
    }

    static String write(StatementOfApplicability soa) {
        StringWriter out = new StringWriter();
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER).get())) {
            for (SoaEntry e : soa.entries()) {
                csv.printRecord(e.control().id(), e.control().annexA(), e.control().title(), e.control().theme(),
                        e.applicability().applicable() ? "yes" : "no", inert(e.applicability().justification()),
                        e.applicability().implementation() == null ? "" : e.applicability().implementation().label(),
                        e.coverage().label(), String.join("; ", e.rules()), e.status().label(),
                        e.lastEvaluated() == null ? "" : e.lastEvaluated().toString(),
                        String.join("; ", e.openNonconformities().stream().map(String::valueOf).toList()),
                        inert(String.join("; ", e.problems())), inert(e.applicability().notes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Free text typed by people (justifications, notes) is exported as text, never as a formula: a cell
     * starting with {@code = + - @} (or a tab or carriage return, which some spreadsheets strip first) gets a
     * leading apostrophe, the OWASP advice against CSV injection.
     */
    static String inert(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        char first = text.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r' ? "'" + text : text;
    }
}
