package io.annexa.evaluation;

import io.annexa.evidence.EvidenceScope;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The state of the session after one evaluation cycle.
 *
 * @param findings  every finding currently justified
 * @param observed  every (source, asset) the session holds evidence for
 * @param refreshed what was re-read during this cycle
 * @param fired     how many rule matches fired in this cycle
 * @param incidents incidents raised since the previous cycle, in the order they were raised; reported once
 * @param removed   every (source, asset) a withdrawal in this cycle left without evidence, including withdrawals
 *                  of keys the session never held (a source reporting, after a restart, what went away while
 *                  Annexa was down); never in {@code observed}
 * @param unevaluated ids of rules that were not evaluated (quarantined): their findings in {@code findings} are the
 *                    ones last published before they failed, kept so that nothing is resolved unevaluated; a re-read
 *                    of their evidence says nothing about them
 */
public record EvaluationResult(Instant at, Set<Finding> findings, Set<EvidenceScope> observed,
                               Set<EvidenceScope> refreshed, int fired, List<Finding> incidents,
                               Set<EvidenceScope> removed, Set<String> unevaluated) {

    public EvaluationResult(Instant at, Set<Finding> findings, Set<EvidenceScope> observed,
                            Set<EvidenceScope> refreshed, int fired, List<Finding> incidents,
                            Set<EvidenceScope> removed) {
        this(at, findings, observed, refreshed, fired, incidents, removed, Set.of());
    }

    public EvaluationResult(Instant at, Set<Finding> findings, Set<EvidenceScope> observed,
                            Set<EvidenceScope> refreshed, int fired, List<Finding> incidents) {
        this(at, findings, observed, refreshed, fired, incidents, Set.of());
    }

    public EvaluationResult(Instant at, Set<Finding> findings, Set<EvidenceScope> observed,
                            Set<EvidenceScope> refreshed, int fired) {
        this(at, findings, observed, refreshed, fired, List.of());
    }

    public EvaluationResult {
        incidents = List.copyOf(incidents);
        findings = Set.copyOf(findings);
        observed = Set.copyOf(observed);
        refreshed = Set.copyOf(refreshed);
        unevaluated = Set.copyOf(unevaluated);
        // evidence back under another key, or read again later in the cycle: the scope was not left empty
        Set<EvidenceScope> held = observed;
        removed = removed.stream().filter(scope -> !held.contains(scope)).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * This result, not recorded yet, replaced by a newer one: findings and observed are the newer's (the session's
     * current state), but what only this one re-read must not be lost (the register dates lastSeen by it), nor its
     * incidents, nor what it removed, unless evidence for it came back since.
     */
    public EvaluationResult supersededBy(EvaluationResult newer) {
        Set<EvidenceScope> refreshedByBoth = new java.util.HashSet<>(refreshed);
        refreshedByBoth.addAll(newer.refreshed());
        List<Finding> incidentsOfBoth = new java.util.ArrayList<>(incidents);
        incidentsOfBoth.addAll(newer.incidents());
        Set<EvidenceScope> removedByBoth = new java.util.HashSet<>(removed);
        removedByBoth.addAll(newer.removed());
        return new EvaluationResult(newer.at(), newer.findings(), newer.observed(), refreshedByBoth, fired + newer.fired(),
                incidentsOfBoth, removedByBoth, newer.unevaluated());
    }
}
