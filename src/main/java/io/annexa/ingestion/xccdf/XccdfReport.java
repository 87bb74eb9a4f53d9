package io.annexa.ingestion.xccdf;

import io.annexa.evidence.CheckResult;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one result file says.
 *
 * @param assets      every target the file has results for, including one whose rules were all not selected,
 *                    so its previous results are still replaced
 * @param checks      one per rule-result, in document order, except those not selected
 * @param notSelected how many rule-results were skipped as not selected
 * @param scan        which scan the file is the result of, for {@link ScanSupersession}; null when it cannot be told
 *                    (its results are of several benchmarks or profiles, or have no end-time)
 */
public record XccdfReport(Set<String> assets, List<CheckResult> checks, int notSelected, Scan scan) {

    /**
     * One run of a profile of a benchmark, over one or more hosts.
     *
     * @param series the benchmark's id and the profile's, or "(default)" for a benchmark's default selection
     * @param at     when it ended: the latest end-time of its TestResults
     */
    public record Scan(String series, java.time.Instant at) {
    }

    public XccdfReport {
        assets = Collections.unmodifiableSet(new LinkedHashSet<>(assets)); // file order, for stable hand-overs
        checks = List.copyOf(checks);
    }

    public List<CheckResult> checksOf(String asset) {
        return checks.stream().filter(c -> c.asset().equals(asset)).toList();
    }
}
