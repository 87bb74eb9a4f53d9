package io.annexa.control;

import java.time.Instant;
import java.util.List;

/** One row of the Statement of Applicability. */
public record SoaEntry(Control control, Applicability applicability, Coverage coverage, List<String> rules,
                       Instant lastEvaluated, List<Long> openNonconformities, SoaStatus status, List<String> problems) {

    public SoaEntry {
        rules = List.copyOf(rules);
        openNonconformities = List.copyOf(openNonconformities);
        problems = List.copyOf(problems);
    }
}
