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
                        e.applicability().applicable() ? "yes" : "no", e.applicability().justification(),
                        e.applicability().implementation() == null ? "" : e.applicability().implementation().label(),
                        e.coverage().label(), String.join("; ", e.rules()), e.status().label(),
                        e.lastEvaluated() == null ? "" : e.lastEvaluated().toString(),
                        String.join("; ", e.openNonconformities().stream().map(String::valueOf).toList()),
                        String.join("; ", e.problems()), e.applicability().notes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
