package io.annexa.evaluation;

import io.annexa.evidence.EvidenceScope;
import java.time.Instant;
import java.util.Set;

/**
 * The state of the session after one evaluation cycle.
 *
 * @param findings  every finding currently justified
 * @param observed  every (source, asset) the session holds evidence for
 * @param refreshed what was re-read during this cycle
 * @param fired     how many rule matches fired in this cycle
 */
public record EvaluationResult(Instant at, Set<Finding> findings, Set<EvidenceScope> observed,
                               Set<EvidenceScope> refreshed, int fired) {

    public EvaluationResult {
        findings = Set.copyOf(findings);
        observed = Set.copyOf(observed);
        refreshed = Set.copyOf(refreshed);
    }
}
