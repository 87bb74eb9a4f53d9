package io.annexa.register;

import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.Finding.FindingKey;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EvidenceScope;
import io.annexa.evidence.SourceSilent;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.AssetRecord;
import io.annexa.register.policy.Criticality;
import io.annexa.register.policy.Grade;
import io.annexa.register.policy.RegisterPolicy;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The register: turns the engine's findings into nonconformities and takes them through the ISO/IEC 27001:2022
 * clause 10.2 lifecycle, with people's actions ({@link #act}) and the passing of time ({@link #tick}).
 *
 * <p>What the evidence decides, on each evaluation result:
 * <ul>
 *   <li>a finding opens a nonconformity for its (rule, asset), graded by rule severity and asset criticality; if the
 *       last one of that (rule, asset) was closed within the recurrence window, the new one links to it and is
 *       escalated;</li>
 *   <li>a finding that comes back reopens a resolved nonconformity (same id), and fails a claimed fix;</li>
 *   <li>a finding that is gone resolves a nonconformity only on positive evidence: every kind of evidence it rested on
 *       for its asset has been read again since it was raised (or since the fix was claimed). Missing evidence (after a
 *       restart, before the sources are read again) resolves nothing;</li>
 *   <li>evidence that was removed (its file deleted) withdraws the nonconformities that rested on it, as does a
 *       retired rule or a decommissioned asset: withdrawn, never resolved;</li>
 *   <li>incidents (things that happened) add occurrences; only a person closes them.</li>
 * </ul>
 * Each distinct piece of evidence becomes one {@link Occurrence}, whole; each change of status one chained
 * {@link AuditEntry}, in the same transaction as the change.
 *
 * <p>One row the database refuses (a value too long, a broken constraint) does not hold back the others: the changes
 * are stored in one transaction and, when that fails on the data, one nonconformity at a time; a refused one is
 * logged, counted ({@link #rejectedRows}) and left out. Any other failure fails the whole reconciliation, which the
 * engine retries.
 *
 * <p>Cluster mode ({@link RegisterScope}): several registers, on several instances, share one database, each
 * answering for the assets of one partition of the estate. What a register holds in memory is then a cache of its own
 * assets' rows, and the database is the truth: a store that loses to another writer (an optimistic-lock conflict on a
 * row another instance, or its API, changed) reads the rows again and computes the change again from them; a person's
 * action works on the row as the database holds it. Every write transaction first passes the scope's
 * {@link WriteFence}: once the partition's lease moved on, nothing more is written and {@link LeaseLostException}
 * reaches the caller of {@link #reconcile}, {@link #tick} and {@link #act}, every time.
 *
 * <p>Thread-safe: the evaluation thread, the API's requests and the timer take turns on one lock.
 */
public final class NonconformityRegister {

    private static final Logger LOG = Logger.getLogger(NonconformityRegister.class.getName());
    /** Assets that sources reported, kept for the inventory page; bounded against a flood of invented names. */
    static final int REPORTED_ASSETS_LIMIT = 100_000;
    /**
     * How many nonconformities' last seen are stored per cycle at most. Storing it for all 10,000 of a full poll took
     * H2 2.5-4 s a cycle (RegisterReconcileBenchmark); the rest follow in later cycles, longest waiting first.
     */
    static final int SEEN_WRITES_PER_CYCLE = 1_000;

    public enum ChangeKind {
        OPENED, REOPENED, UPDATED, ESCALATED, ACKNOWLEDGED, PLANNED, PENDING_VERIFICATION, RESOLVED, CLOSED,
        RISK_ACCEPTED, WITHDRAWN,
        /** Only told to the {@link ChangeJournal}: a risk acceptance entered its warning period (no status change). */
        RISK_EXPIRING,
        /** Only told to the {@link ChangeJournal}: the reopening of an expired risk acceptance, reported as REOPENED. */
        RISK_EXPIRED
    }

    /** What one reconciliation or action changed, in the order it was stored. */
    public record Change(ChangeKind kind, Nonconformity nonconformity) {
    }

    private final NonconformityRepository repository;
    private final Clock clock;
    private final ChangeJournal journal;
    private final RegisterScope scope;
    private volatile RegisterPolicy policy;
    private volatile AssetInventory inventory;
    private final ReentrantLock lock = new ReentrantLock();

    private final Map<FindingKey, Nonconformity> active = new HashMap<>();
    /** Content hashes of the evidence recorded in each active nonconformity's current episode. */
    private final Map<Long, Set<String>> episode = new HashMap<>();
    /** When each (source, asset) was last read, since start: what resolution is judged on. */
    private final Map<EvidenceScope, Instant> readAt = new HashMap<>();
    /** Last seen that moved without any other change and is not stored yet, by id, in the order it first moved. */
    private final Map<Long, Instant> seenUnstored = new LinkedHashMap<>();
    private final Map<String, Instant> reportedAssets = new LinkedHashMap<>();
    /**
     * Findings that changed nothing when last reconciled, by key: while the finding, its rule, its nonconformity and
     * its asset's evidence stay as they were, reconciling it again would change nothing again. Every cycle carries every
     * finding of the session, so without this a fleet's register redid the work of 20,000 findings per cycle.
     */
    private final Map<FindingKey, Steady> steady = new HashMap<>();
    /** The kinds of evidence the session held for each asset at the last cycle, and the scopes they were made from. */
    private final Map<String, Set<String>> sourcesByAsset = new HashMap<>();
    private Set<EvidenceScope> lastObserved = Set.of();
    /** Rows the database refused, so each is logged as an error once and not every cycle. */
    private final Set<FindingKey> refused = new HashSet<>();
    private volatile long rejectedRows;
    /** Set once a write was fenced off: the lease never comes back, so neither does the right to write. */
    private volatile LeaseLostException lost;
    private LocalDate snapshotDay;
    private Map<List<String>, Integer> snapshotCounts = Map.of();

    public NonconformityRegister(NonconformityRepository repository, RegisterPolicy policy, AssetInventory inventory, Clock clock) {
        this(repository, policy, inventory, clock, ChangeJournal.NONE);
    }

    /** @param journal told of every change inside the transaction that stores it (alerts' outbox) */
    public NonconformityRegister(NonconformityRepository repository, RegisterPolicy policy, AssetInventory inventory, Clock clock,
                                 ChangeJournal journal) {
        this(repository, policy, inventory, clock, journal, RegisterScope.WHOLE);
    }

    /**
     * A register sharing its database with others (cluster mode): it loads and changes only the nonconformities of
     * {@code scope}'s assets, and each of its write transactions passes {@code scope}'s fence first.
     */
    public NonconformityRegister(NonconformityRepository repository, RegisterPolicy policy, AssetInventory inventory, Clock clock,
                                 ChangeJournal journal, RegisterScope scope) {
        this.repository = repository;
        this.journal = journal;
        this.scope = scope;
        this.policy = policy;
        this.inventory = inventory;
        this.clock = clock;
        reload();
    }

    /**
     * Reads what the database holds for this register's assets: its memory is a cache, the database is the truth (other
     * instances, and the API on them, write to it too).
     */
    private void reload() {
        active.clear();
        episode.clear();
        steady.clear();
        seenUnstored.clear();
        for (Nonconformity nc : repository.findActive()) {
            if (ours(nc.getAsset())) {
                active.put(new FindingKey(nc.getRuleId(), nc.getAsset()), nc);
            }
        }
        Set<Long> ids = active.values().stream().map(Nonconformity::getId).collect(Collectors.toSet());
        repository.episodeHashes().forEach((id, hashes) -> {
            if (ids.contains(id)) {
                episode.put(id, Set.copyOf(hashes));
            }
        });
    }

    /**
     * {@code known} and {@code added} as one immutable set: an episode usually holds one or two hashes, and a fleet's
     * register holds tens of thousands of episodes, so a compact set each (about 30 bytes against 180 for a HashSet).
     */
    private static Set<String> withHashes(Set<String> known, Collection<String> added) {
        if (known.containsAll(added)) {
            return known;
        }
        Set<String> all = new HashSet<>(known);
        all.addAll(added);
        return Set.copyOf(all);
    }

    private boolean ours(String asset) {
        return scope.assets().test(asset);
    }

    /** Takes new grading and inventory into use; existing grades stay as recorded. */
    public void configure(RegisterPolicy newPolicy, AssetInventory newInventory) {
        lock.lock();
        try {
            this.policy = newPolicy;
            this.inventory = newInventory;
            // decommissioned assets and grades may differ now: every finding is reconciled again
            steady.clear();
        } finally {
            lock.unlock();
        }
    }

    public AssetInventory inventory() {
        return inventory;
    }

    public RegisterPolicy policy() {
        return policy;
    }

    // ------------------------------------------------------------------ evidence

    /**
     * @throws LeaseLostException when this register's fence refused the write: nothing of it was stored, and every
     *                            later call throws it too (the partition's worker stops)
     */
    public List<Change> reconcile(EvaluationResult result, Function<String, Optional<RuleDefinition>> rules) {
        lock.lock();
        try {
            failIfLost();
            EvaluationResult ours = ownShare(result);
            List<Change> changes = new ArrayList<>(afterConflicts(() -> evidenceLocked(ours, rules)));
            changes.addAll(afterConflicts(this::tickLocked));
            return changes;
        } finally {
            lock.unlock();
        }
    }

    /** The part of an evaluation result about this register's assets. */
    private EvaluationResult ownShare(EvaluationResult result) {
        if (scope.whole()) {
            return result;
        }
        java.util.function.Predicate<EvidenceScope> inScope = evidence -> ours(evidence.asset());
        return new EvaluationResult(result.at(),
                result.findings().stream().filter(f -> ours(f.getAsset())).collect(Collectors.toSet()),
                result.observed().stream().filter(inScope).collect(Collectors.toSet()),
                result.refreshed().stream().filter(inScope).collect(Collectors.toSet()),
                result.fired(),
                result.incidents().stream().filter(f -> ours(f.getAsset())).toList(),
                result.removed().stream().filter(inScope).collect(Collectors.toSet()),
                result.unevaluated());
    }

    /**
     * How many times a change is computed again when another writer changed one of its rows first: each attempt starts
     * from the rows as the database holds them after the conflict, so it only fails again if they change again.
     */
    static final int CONFLICT_ATTEMPTS = 3;

    /**
     * Runs a step again when its store failed on a row another writer changed since this register read it (another
     * instance, the API on another instance). The failed store already read the register's rows again ({@link #store}),
     * so the next attempt computes the change from what holds now, instead of the engine offering the stale one again.
     */
    private List<Change> afterConflicts(java.util.function.Supplier<List<Change>> step) {
        for (int attempt = 1; ; attempt++) {
            try {
                return step.get();
            } catch (RuntimeException e) {
                if (attempt >= CONFLICT_ATTEMPTS || !optimisticLock(e)) {
                    throw e;
                }
                LOG.log(Level.FINE, "another writer changed a nonconformity first; computed again from the database", e);
            }
        }
    }

    private void failIfLost() {
        LeaseLostException fenced = lost;
        if (fenced != null) {
            throw new LeaseLostException(fenced.partition(), fenced.ourEpoch(), fenced.currentEpoch(), fenced.currentOwner());
        }
    }

    /** Every write transaction of the register: the fence first, in the same transaction, then the work. */
    private <T> T write(Function<EntityManager, T> work) {
        failIfLost();
        try {
            return repository.inTransaction(em -> {
                scope.fence().check(em);
                return work.apply(em);
            });
        } catch (LeaseLostException e) {
            lost = e;
            LOG.warning(() -> "the register stops writing: " + e.getMessage());
            throw e;
        }
    }

    private List<Change> evidenceLocked(EvaluationResult result, Function<String, Optional<RuleDefinition>> rules) {
        Instant at = result.at();
        result.refreshed().forEach(scope -> readAt.merge(scope, at, (a, b) -> a.isAfter(b) ? a : b));
        result.removed().forEach(readAt::remove);
        // a silent route's facts are filed under its route id, which is no asset
        result.observed().stream().filter(scope -> !scope.source().equals(SourceSilent.SOURCE))
                .forEach(scope -> report(scope.asset(), at));
        Map<String, Set<String>> observedByAsset = observedSources(result.observed());

        Work work = new Work();
        Map<FindingKey, List<String>> findings = evidenceByKey(result.findings());
        Map<FindingKey, List<String>> incidents = evidenceByKey(result.incidents());
        List<Long> seen = new ArrayList<>();
        Set<FindingKey> opening = new HashSet<>();
        findings.keySet().stream().filter(key -> !active.containsKey(key)).forEach(opening::add);
        incidents.keySet().stream().filter(key -> !active.containsKey(key)).forEach(opening::add);
        Map<FindingKey, Citation> citations = Citation.byKey(result.findings(), opening);
        Citation.byKey(result.incidents(), opening).forEach(citations::putIfAbsent);
        Map<FindingKey, Nonconformity> ended = opening.isEmpty() ? Map.of() : repository.latestEnded(opening);
        Set<String> reread = assetsOf(result.refreshed(), result.removed());

        findings.forEach((key, evidence) -> rules.apply(key.ruleId()).ifPresent(rule -> {
            Nonconformity nc = active.get(key);
            Set<String> observed = observedByAsset.getOrDefault(key.asset(), Set.of());
            Steady last = steady.get(key);
            if (last != null && last.holds(evidence, rule, nc, observed) && !reread.contains(key.asset())) {
                return;
            }
            if (decommissioned(key.asset())) {
                return;
            }
            Set<String> restsOn = restsOn(rule, observed);
            if (nc != null && result.unevaluated().contains(key.ruleId())) {
                // a quarantined rule's finding is only kept: it is not seen again, nor does it disprove a claimed fix
                return;
            }
            if (nc == null) {
                work.add(open(rule, citations.get(key), key.asset(), false, at, evidence, restsOn, Optional.ofNullable(ended.get(key))));
                return;
            }
            Unit unit = new Unit(nc);
            NonconformityStatus status = nc.getStatus();
            if (status == NonconformityStatus.RESOLVED) {
                reopen(unit, at, "the finding is back");
            } else if (status == NonconformityStatus.PENDING_VERIFICATION && anyReadSince(nc, rule, nc.getClaimedAt())) {
                reopen(unit, at, "the claimed fix is not confirmed: fresh evidence still shows the finding");
            }
            // sources are never forgotten while the session is still taking them in after a start, but evidence
            // withdrawn (its file deleted) no longer counts: resolution would otherwise wait for it forever
            Set<String> union = new TreeSet<>(nc.getEvidenceSources());
            union.addAll(restsOn);
            union.removeIf(source -> result.removed().contains(new EvidenceScope(source, key.asset())));
            if (union.isEmpty()) {
                union.addAll(restsOn);
            }
            if (!union.equals(nc.getEvidenceSources())) {
                nc.restsOn(union);
                unit.touched = true;
            }
            record(unit, rule, at, evidence, false);
            if (unit.touched || !unit.audit.isEmpty()) {
                nc.seen(at);
                work.add(unit);
                return;
            }
            if (refreshedNow(rule, key.asset(), result.refreshed())) {
                seen.add(nc.getId());
                nc.seen(at);
            }
            steady.put(key, new Steady(evidence, rule, nc, observed));
        }));

        incidents.forEach((key, evidence) -> rules.apply(key.ruleId()).ifPresent(rule -> {
            if (decommissioned(key.asset()) || findings.containsKey(key)) {
                return;
            }
            Nonconformity nc = active.get(key);
            if (nc == null) {
                work.add(open(rule, citations.get(key), key.asset(), true, at, evidence, Set.copyOf(rule.sources()),
                        Optional.ofNullable(ended.get(key))));
                return;
            }
            Unit unit = new Unit(nc);
            // a burst already recorded in this episode is not a new one: a session rebuilt after a crash reports the
            // incidents it had reported again
            if ((nc.getStatus() == NonconformityStatus.RESOLVED || nc.getStatus() == NonconformityStatus.PENDING_VERIFICATION)
                    && !recorded(nc, evidence)) {
                reopen(unit, at, "a new burst");
            }
            record(unit, rule, at, evidence, true);
            if (unit.touched || !unit.audit.isEmpty()) {
                nc.seen(at);
                work.add(unit);
            }
        }));

        active.forEach((key, nc) -> {
            if (work.has(nc)) {
                return;
            }
            if (!findings.containsKey(key)) {
                steady.remove(key);
            }
            Optional<RuleDefinition> rule = rules.apply(key.ruleId());
            NonconformityStatus status = nc.getStatus();
            // a retired rule or a decommissioned asset withdraws even while the session still holds the finding: the
            // last files read from a decommissioned server stay there, so waiting for the finding to go kept it forever
            // a resolved one was fixed on evidence: it stays resolved and closes after its period, as it would have
            if (rule.isEmpty() || decommissioned(key.asset())) {
                if (status != NonconformityStatus.RESOLVED) {
                    work.add(rule.isEmpty() ? withdraw(nc, "rule-retired", "the rule was disabled or removed")
                            : withdraw(nc, "asset-decommissioned", "the asset is decommissioned in the inventory"));
                }
            } else if (findings.containsKey(key) || incidents.containsKey(key)) {
                return;
            } else if (!nc.isIncident() && status != NonconformityStatus.RESOLVED) {
                Set<String> sources = sourcesOf(nc, rule.get());
                Set<String> left = new TreeSet<>(sources);
                left.removeIf(s -> result.removed().contains(new EvidenceScope(s, key.asset())));
                if (left.isEmpty()) {
                    work.add(withdraw(nc, "evidence-removed", "the evidence it rested on was removed"));
                } else if (left.size() < sources.size()) {
                    // part of its evidence is gone (a file deleted, perhaps while Annexa was down): what is left decides,
                    // once it has been read, so a finding the other files still show keeps its nonconformity and id
                    Unit unit = new Unit(nc);
                    nc.restsOn(left);
                    unit.touched = true;
                    work.add(unit);
                } else if (current(nc, rule.get(), result.observed())
                        && (nc.getClaimedAt() == null || anyReadSince(nc, rule.get(), nc.getClaimedAt()))) {
                    Unit unit = new Unit(nc);
                    unit.audit(AuditEntry.SYSTEM, "resolve", status, NonconformityStatus.RESOLVED,
                            status == NonconformityStatus.PENDING_VERIFICATION ? "the claimed fix is confirmed by fresh evidence"
                                    : "fresh evidence no longer shows the finding", null);
                    nc.resolved(at);
                    unit.kind = ChangeKind.RESOLVED;
                    work.add(unit);
                }
            }
        });

        List<Change> changes = store(work);
        storeSeen(seen, work, at);
        return changes;
    }

    /**
     * The kinds of evidence held for each asset, brought up to date with what {@code observed} added or dropped since the
     * last cycle: only those assets' sets are made again (a fleet's 60,000 scopes were grouped anew every cycle).
     */
    private Map<String, Set<String>> observedSources(Set<EvidenceScope> observed) {
        if (observed == lastObserved) {
            return sourcesByAsset;
        }
        Set<String> changed = new HashSet<>();
        observed.forEach(scope -> {
            if (!lastObserved.contains(scope)) {
                changed.add(scope.asset());
            }
        });
        lastObserved.forEach(scope -> {
            if (!observed.contains(scope)) {
                changed.add(scope.asset());
            }
        });
        if (!changed.isEmpty()) {
            Map<String, Set<String>> regrouped = new HashMap<>();
            observed.forEach(scope -> {
                if (changed.contains(scope.asset())) {
                    regrouped.computeIfAbsent(scope.asset(), a -> new HashSet<>()).add(scope.source());
                }
            });
            changed.forEach(asset -> {
                Set<String> sources = regrouped.get(asset);
                if (sources == null) {
                    sourcesByAsset.remove(asset);
                } else {
                    sourcesByAsset.put(asset, Set.copyOf(sources));
                }
            });
        }
        lastObserved = observed;
        return sourcesByAsset;
    }

    /** Stores the last seen of nonconformities that did not change otherwise, at most {@link #SEEN_WRITES_PER_CYCLE}. */
    private void storeSeen(List<Long> seen, Work work, Instant at) {
        seen.forEach(id -> seenUnstored.put(id, at));
        // a stored change wrote its last seen with it
        work.units.forEach(unit -> seenUnstored.remove(unit.nc.getId()));
        Map<Instant, List<Long>> due = new java.util.TreeMap<>();
        seenUnstored.entrySet().stream().limit(SEEN_WRITES_PER_CYCLE)
                .forEach(e -> due.computeIfAbsent(e.getValue(), t -> new ArrayList<>()).add(e.getKey()));
        due.forEach((when, ids) -> {
            write(em -> {
                NonconformityRepository.markSeen(em, ids, when);
                return null;
            });
            ids.forEach(seenUnstored::remove);
        });
    }

    /** Lifecycle changes that time alone makes: closing after the effectiveness period, risk expiry, overdue escalation. */
    public List<Change> tick() {
        lock.lock();
        try {
            failIfLost();
            return afterConflicts(this::tickLocked);
        } finally {
            lock.unlock();
        }
    }

    private List<Change> tickLocked() {
        Instant now = clock.instant();
        RegisterPolicy rules = policy;
        Work work = new Work();
        for (Nonconformity nc : active.values()) {
            NonconformityStatus status = nc.getStatus();
            if (status == NonconformityStatus.RESOLVED && !nc.getResolvedAt().plus(rules.effectivenessPeriod()).isAfter(now)) {
                Unit unit = new Unit(nc);
                unit.audit(AuditEntry.SYSTEM, "close", status, NonconformityStatus.CLOSED,
                        "no recurrence during the effectiveness period of " + rules.effectivenessPeriod().toDays() + " days", null);
                nc.closed(now);
                unit.kind = ChangeKind.CLOSED;
                work.add(unit);
            } else if (status == NonconformityStatus.RISK_ACCEPTED && nc.getRiskExpiresAt() != null
                    && !nc.getRiskExpiresAt().isAfter(now)) {
                Unit unit = new Unit(nc);
                unit.audit(AuditEntry.SYSTEM, "reopen", status, NonconformityStatus.REOPENED, "the risk acceptance expired", null);
                nc.reopen(now);
                unit.kind = ChangeKind.REOPENED;
                unit.journalKind = ChangeKind.RISK_EXPIRED;
                work.add(unit);
            } else if (status.unfixed() && nc.getDueAt() != null && nc.getDueAt().isBefore(now)
                    && rules.overdueGrade().worseThan(Grade.parse(nc.getGrade()))) {
                Unit unit = new Unit(nc);
                unit.audit(AuditEntry.SYSTEM, "escalate", status, status, "past its due date " + nc.getDueAt()
                        + ": grade " + nc.getGrade() + " -> " + rules.overdueGrade().label(), null);
                nc.grade(rules.overdueGrade().label(), "overdue");
                unit.kind = ChangeKind.ESCALATED;
                work.add(unit);
            }
        }
        List<Change> changes = store(work);
        warnRiskExpiry(now, rules);
        snapshotIfDue(now);
        return changes;
    }

    /**
     * Risk acceptances that entered their warning period are told to the journal, once per acceptance: the time of the
     * warning is stored with the nonconformity (without changing its version: nobody's edit is made stale by it).
     */
    private void warnRiskExpiry(Instant now, RegisterPolicy rules) {
        if (journal == ChangeJournal.NONE) {
            return;
        }
        List<Nonconformity> due = active.values().stream()
                .filter(nc -> nc.getStatus() == NonconformityStatus.RISK_ACCEPTED && nc.getRiskExpiresAt() != null
                        && nc.getRiskWarnedAt() == null && nc.getRiskExpiresAt().isAfter(now)
                        && !nc.getRiskExpiresAt().minus(rules.riskExpiryWarning()).isAfter(now))
                .sorted(java.util.Comparator.comparing(Nonconformity::getId))
                .toList();
        if (due.isEmpty()) {
            return;
        }
        try {
            write(em -> {
                for (Nonconformity nc : due) {
                    em.createNativeQuery("update nonconformity set risk_warned_at = ? where id = ?")
                            .setParameter(1, Nonconformity.utc(now)).setParameter(2, nc.getId()).executeUpdate();
                }
                journal.record(em, due.stream().map(nc -> new Change(ChangeKind.RISK_EXPIRING, nc)).toList(), now);
                return null;
            });
            due.forEach(nc -> nc.riskWarned(now));
        } catch (LeaseLostException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot record the warnings of risk acceptances about to expire; retried at the next beat", e);
        }
    }

    // ------------------------------------------------------------------ people

    /**
     * A person's action on a nonconformity.
     *
     * @throws LifecycleException when it does not exist, the request is invalid, the action is not allowed from its
     *                            status, or it changed since the caller read it
     */
    public Change act(long id, LifecycleAction action, ActionRequest request, String actor) {
        lock.lock();
        try {
            failIfLost();
            // the row as the database holds it, not this register's copy: the API of any instance acts through any
            // register, and another instance may have changed it since this one read it
            Nonconformity nc = repository.find(id).orElseThrow(() -> new LifecycleException.NotFound(id));
            if (request.expectedVersion() != null && request.expectedVersion() != nc.getVersion()) {
                throw new LifecycleException.Stale(id, request.expectedVersion(), nc.getVersion());
            }
            NonconformityStatus from = nc.getStatus();
            NonconformityStatus to = Lifecycle.next(from, action, nc.isIncident())
                    .orElseThrow(() -> new LifecycleException.IllegalTransition(action, from,
                            Lifecycle.allowed(from, nc.isIncident())));
            Instant now = clock.instant();
            LifecycleRules.check(action, request, actor, now, policy);
            Unit unit = new Unit(nc);
            ChangeKind kind = switch (action) {
                case ACKNOWLEDGE -> {
                    nc.status(to);
                    yield ChangeKind.ACKNOWLEDGED;
                }
                case PLAN -> {
                    nc.plan(request.rootCause().strip(), request.correction().strip(), request.correctiveAction().strip(),
                            request.due(), request.owner() == null ? null : request.owner().strip());
                    nc.status(to);
                    yield ChangeKind.PLANNED;
                }
                case RESOLVE -> {
                    nc.claimed(now);
                    nc.status(to);
                    yield ChangeKind.PENDING_VERIFICATION;
                }
                case CLOSE -> {
                    nc.closed(now);
                    yield ChangeKind.CLOSED;
                }
                case REOPEN -> {
                    nc.reopen(now);
                    yield ChangeKind.REOPENED;
                }
                case ACCEPT_RISK -> {
                    nc.acceptRisk(request.requestedBy().strip(), actor, request.justification().strip(), request.expires());
                    yield ChangeKind.RISK_ACCEPTED;
                }
                case WITHDRAW -> {
                    nc.withdrawn(request.reason());
                    yield ChangeKind.WITHDRAWN;
                }
            };
            unit.audit(actor, action.label(), from, to, request.comment(), request.bodyHash());
            unit.kind = kind;
            Work work = new Work();
            work.add(unit);
            try {
                List<Change> changes = store(work, false);
                return changes.get(0);
            } catch (jakarta.persistence.OptimisticLockException | jakarta.persistence.RollbackException e) {
                reload();
                if (optimisticLock(e)) {
                    throw new LifecycleException.Stale(id, request.expectedVersion(), nc.getVersion());
                }
                throw e;
            } catch (RuntimeException e) {
                reload();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    private static boolean optimisticLock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof jakarta.persistence.OptimisticLockException
                    || t instanceof org.eclipse.persistence.exceptions.OptimisticLockException) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ steps

    /**
     * The controls and severity a nonconformity is raised with: those its findings cite, which are the rule.yml's unless
     * a finding cites its own (a scanner's check): the most severe finding's controls first, then the others', and the
     * highest severity.
     */
    private record Citation(List<String> controls, io.annexa.evaluation.Severity severity) {

        /** The citations of the findings with these keys. */
        static Map<FindingKey, Citation> byKey(java.util.Collection<Finding> findings, Set<FindingKey> keys) {
            Map<FindingKey, Citation> byKey = new HashMap<>();
            if (keys.isEmpty()) {
                return byKey;
            }
            findings.stream().filter(f -> keys.contains(f.key())).collect(Collectors.groupingBy(Finding::key)).forEach((key, list) -> {
                List<Finding> ordered = list.stream().sorted(java.util.Comparator.comparing(Finding::getSeverity).reversed()
                        .thenComparing(Finding::getEvidence)).toList();
                List<String> controls = ordered.stream().flatMap(f -> f.getControls().stream()).distinct().toList();
                byKey.put(key, new Citation(controls, ordered.get(0).getSeverity()));
            });
            return byKey;
        }
    }

    /**
     * @param cited    the controls and severity the findings cite; null: the rule's
     * @param previous the last closed or withdrawn nonconformity of the same (rule, asset)
     */
    private Unit open(RuleDefinition rule, Citation cited, String asset, boolean incident, Instant at, List<String> evidence,
                      Set<String> restsOn, Optional<Nonconformity> previous) {
        Citation citation = cited != null ? cited : new Citation(rule.controls(), rule.severity());
        Optional<AssetRecord> record = inventory.find(asset);
        Criticality criticality = record.map(AssetRecord::criticality).orElse(policy.defaultCriticality());
        Grade grade = policy.grade(citation.severity(), criticality);
        List<String> clauses = !rule.clauses().isEmpty() ? rule.clauses()
                : rule.requirement().startsWith("A.") ? policy.controlNotOperatingClauses() : policy.monitoringGapClauses();
        Nonconformity nc = new Nonconformity(new Nonconformity.Raised(rule.id(), rule.title(), citation.controls(), clauses, asset,
                citation.severity().label(), grade.label(), record.map(AssetRecord::owner).orElse(null), incident), at);
        nc.restsOn(restsOn);
        Unit unit = new Unit(nc);
        unit.kind = ChangeKind.OPENED;
        String comment = null;
        if (previous.isPresent()) {
            nc.previous(previous.get().getId());
            Instant closed = previous.get().getClosedAt();
            comment = "recurs nonconformity " + previous.get().getId();
            if (closed != null && !closed.plus(policy.recurrenceWindow()).isBefore(at) && policy.recurrenceGrade().worseThan(grade)) {
                nc.grade(policy.recurrenceGrade().label(), "recurrence");
                comment += ", closed " + closed + ", within " + policy.recurrenceWindow().toDays() + " days: escalated to "
                        + policy.recurrenceGrade().label();
            }
        }
        unit.audit(AuditEntry.SYSTEM, "open", null, NonconformityStatus.OPEN, comment, null);
        record(unit, rule, at, evidence, incident);
        return unit;
    }

    private void reopen(Unit unit, Instant at, String why) {
        NonconformityStatus from = unit.nc.getStatus();
        unit.audit(AuditEntry.SYSTEM, "reopen", from, NonconformityStatus.REOPENED, why, null);
        unit.nc.reopen(at);
        unit.kind = ChangeKind.REOPENED;
        unit.newEpisode = true;
    }

    private Unit withdraw(Nonconformity nc, String reason, String why) {
        Unit unit = new Unit(nc);
        unit.audit(AuditEntry.SYSTEM, "withdraw", nc.getStatus(), NonconformityStatus.WITHDRAWN, reason + ": " + why, null);
        nc.withdrawn(reason);
        unit.kind = ChangeKind.WITHDRAWN;
        return unit;
    }

    /** Evidence not yet recorded in this episode becomes occurrences; the summary follows what holds now. */
    private void record(Unit unit, RuleDefinition rule, Instant at, List<String> evidence, boolean incident) {
        Set<String> known = unit.newEpisode || unit.nc.getId() == null ? Set.of() : episode.getOrDefault(unit.nc.getId(), Set.of());
        String source = incident ? String.join(",", rule.sources()) : String.join(",", unit.nc.getEvidenceSources());
        int before = unit.occurrences.size();
        for (String text : evidence) {
            String hash = ContentHash.of(text);
            if (!known.contains(hash) && unit.hashes.add(hash)) {
                unit.occurrences.add(new PendingOccurrence(at, rule.id(), source, incident, text));
            }
        }
        // counted here, once, and not while writing: a refused batch writes each unit a second time
        unit.nc.occurrencesAdded(unit.occurrences.size() - before);
        String summary = EvidenceSummary.of(evidence);
        if (!summary.equals(unit.nc.getEvidenceSummary()) && (!incident || !unit.occurrences.isEmpty())) {
            unit.nc.summary(summary);
            unit.touched = true;
        }
        if (!unit.occurrences.isEmpty()) {
            unit.touched = true;
        }
    }

    /** Every piece of this evidence is already an occurrence of the nonconformity's current episode. */
    private boolean recorded(Nonconformity nc, List<String> evidence) {
        Set<String> known = episode.getOrDefault(nc.getId(), Set.of());
        return evidence.stream().allMatch(text -> known.contains(ContentHash.of(text)));
    }

    private boolean decommissioned(String asset) {
        return inventory.find(asset).map(AssetRecord::decommissioned).orElse(false);
    }

    /** The rule's kinds of evidence that exist for the asset now: what a new nonconformity rests on. */
    private static Set<String> restsOn(RuleDefinition rule, Set<String> observed) {
        Set<String> sources = new TreeSet<>(rule.sources());
        sources.retainAll(observed);
        return sources.isEmpty() ? new TreeSet<>(rule.sources()) : sources;
    }

    private static Set<String> sourcesOf(Nonconformity nc, RuleDefinition rule) {
        return nc.getEvidenceSources().isEmpty() ? Set.copyOf(rule.sources()) : nc.getEvidenceSources();
    }

    /**
     * Every kind of evidence it rests on has been read for its asset since this register started, so the session's
     * view of the asset is whole: after a restart the session fills source by source, and a finding missing then says
     * nothing. The session must hold it too ({@code held}). Once read, a source stays current (its routes read it again whenever it changes), so fixing one of
     * several files resolves without the others being read again.
     */
    private boolean current(Nonconformity nc, RuleDefinition rule, Set<EvidenceScope> held) {
        return sourcesOf(nc, rule).stream().map(source -> new EvidenceScope(source, nc.getAsset()))
                .allMatch(scope -> readAt.containsKey(scope) && held.contains(scope));
    }

    /** Some kind of evidence it rests on was read for its asset after {@code since}: fresh evidence after a claimed fix. */
    private boolean anyReadSince(Nonconformity nc, RuleDefinition rule, Instant since) {
        return sourcesOf(nc, rule).stream().anyMatch(source -> {
            Instant read = readAt.get(new EvidenceScope(source, nc.getAsset()));
            return read != null && read.isAfter(since);
        });
    }

    private static boolean refreshedNow(RuleDefinition rule, String asset, Set<EvidenceScope> refreshed) {
        return rule.sources().stream().anyMatch(source -> refreshed.contains(new EvidenceScope(source, asset)));
    }

    private void report(String asset, Instant at) {
        if (reportedAssets.containsKey(asset) || reportedAssets.size() < REPORTED_ASSETS_LIMIT) {
            reportedAssets.put(asset, at);
        }
    }

    /**
     * Assets sources reported since start, with when they were last reported: the inventory's completion list. The
     * route ids of silent routes ({@link SourceSilent}) are not among them.
     */
    public Map<String, Instant> reportedAssets() {
        lock.lock();
        try {
            return Map.copyOf(reportedAssets);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What a finding was reconciled against when that changed nothing: the same evidence, under the same rule, against
     * the same nonconformity (a stored change replaces the object), with the same kinds of evidence held for its asset.
     */
    private record Steady(List<String> evidence, RuleDefinition rule, Nonconformity nc, Set<String> observed) {

        boolean holds(List<String> evidenceNow, RuleDefinition ruleNow, Nonconformity ncNow, Set<String> observedNow) {
            return nc == ncNow && rule == ruleNow && evidence.equals(evidenceNow) && observed.equals(observedNow);
        }
    }

    /** The assets of these (source, asset) scopes. */
    @SafeVarargs
    private static Set<String> assetsOf(Set<EvidenceScope>... scopes) {
        Set<String> assets = new HashSet<>();
        for (Set<EvidenceScope> some : scopes) {
            some.forEach(scope -> assets.add(scope.asset()));
        }
        return assets;
    }

    private static Map<FindingKey, List<String>> evidenceByKey(java.util.Collection<Finding> findings) {
        Map<FindingKey, List<String>> byKey = new java.util.TreeMap<>((a, b) -> {
            int c = a.ruleId().compareTo(b.ruleId());
            return c != 0 ? c : a.asset().compareTo(b.asset());
        });
        // every finding of the session, every cycle: no stream per key, and most keys have one piece of evidence
        for (Finding finding : findings) {
            byKey.computeIfAbsent(finding.key(), k -> new ArrayList<>(1)).add(finding.getEvidence());
        }
        byKey.replaceAll((key, evidence) -> evidence.size() == 1 ? List.of(evidence.get(0))
                : evidence.stream().sorted().distinct().toList());
        return byKey;
    }

    // ------------------------------------------------------------------ storing

    private record PendingOccurrence(Instant at, String ruleId, String source, boolean incident, String evidence) {
    }

    /** One nonconformity's change: the row, its new occurrences and its audit entries, stored together. */
    private static final class Unit {
        final Nonconformity nc;
        /** Not stored yet: inserted, not merged. */
        final boolean fresh;
        final List<PendingOccurrence> occurrences = new ArrayList<>();
        final Set<String> hashes = new HashSet<>();
        final List<AuditRecord> audit = new ArrayList<>();
        ChangeKind kind = ChangeKind.UPDATED;
        /** What the journal is told, when it differs from {@link #kind}. */
        ChangeKind journalKind;
        /** The status before this change: changes of an accepted risk are not journaled. */
        final NonconformityStatus before;
        boolean touched;
        boolean newEpisode;

        Unit(Nonconformity nc) {
            this.nc = nc;
            this.fresh = nc.getId() == null;
            this.before = nc.getId() == null ? null : nc.getStatus();
        }

        /** What the journal hears of this change; empty while the risk is accepted (silent) and it stays so or leaves by withdrawal. */
        Optional<ChangeKind> journaled() {
            ChangeKind told = journalKind != null ? journalKind : kind;
            boolean accepted = before == NonconformityStatus.RISK_ACCEPTED || nc.getStatus() == NonconformityStatus.RISK_ACCEPTED;
            if (accepted && told != ChangeKind.RISK_EXPIRED && told != ChangeKind.REOPENED && told != ChangeKind.RISK_ACCEPTED) {
                return Optional.empty();
            }
            return Optional.of(told);
        }

        void audit(String actor, String action, NonconformityStatus from, NonconformityStatus to, String comment, String bodyHash) {
            audit.add(new AuditRecord(actor, action, null, from == null ? null : from.label(), to == null ? null : to.label(),
                    comment, bodyHash));
        }
    }

    private static final class Work {
        final List<Unit> units = new ArrayList<>();
        final Set<Nonconformity> members = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        void add(Unit unit) {
            if (members.add(unit.nc)) {
                units.add(unit);
            }
        }

        boolean has(Nonconformity nc) {
            return members.contains(nc);
        }
    }

    private List<Change> store(Work work) {
        return store(work, true);
    }

    private List<Change> store(Work work, boolean oneByOneOnRefusal) {
        List<Change> changes = new ArrayList<>();
        if (work.units.isEmpty()) {
            return changes;
        }
        try {
            changes.addAll(save(work.units));
        } catch (RuntimeException e) {
            // the entities in memory were changed but not stored: start again from what the database holds, so the
            // next cycle retries the same changes instead of believing they were made
            reload();
            if (!oneByOneOnRefusal || !refusedData(e)) {
                throw e;
            }
            // the rolled-back insert left its id and version on each new nonconformity: merged with them, it was
            // taken for a stored row changed since it was read, and the row-by-row retry failed for every new one
            work.units.stream().filter(unit -> unit.fresh).forEach(unit -> unit.nc.insertRolledBack());
            try {
                for (Unit unit : work.units) {
                    saveAlone(unit, changes);
                }
            } finally {
                reload();
            }
        }
        return changes;
    }

    private void saveAlone(Unit unit, List<Change> changes) {
        try {
            changes.addAll(save(List.of(unit)));
        } catch (RuntimeException e) {
            if (!refusedData(e)) {
                throw e;
            }
            refuse(unit.nc, e);
        }
    }

    private List<Change> save(List<Unit> units) {
        Instant now = clock.instant();
        List<Nonconformity> stored = write(em -> {
            // the audit trail's head first: every register writer takes it before the id counters (register_ids), in
            // that order, or two writers on PostgreSQL could each hold the lock the other waits for
            AuditTrail.lockHead(em);
            List<Nonconformity> merged = new ArrayList<>(units.size());
            List<Change> journaled = new ArrayList<>(units.size());
            for (Unit unit : units) {
                Nonconformity nc = write(em, unit, now);
                merged.add(nc);
                unit.journaled().ifPresent(kind -> journaled.add(new Change(kind, nc)));
            }
            if (!journaled.isEmpty()) {
                journal.record(em, journaled, now);
            }
            return merged;
        });
        if (units.stream().anyMatch(unit -> unit.journaled().isPresent())) {
            journal.committed();
        }
        List<Change> changes = new ArrayList<>(units.size());
        for (int i = 0; i < units.size(); i++) {
            Unit unit = units.get(i);
            Nonconformity nc = stored.get(i);
            FindingKey key = new FindingKey(nc.getRuleId(), nc.getAsset());
            if (!ours(nc.getAsset())) {
                // an action on another register's nonconformity: stored, and that register's copy is its own business
                changes.add(new Change(unit.kind, nc));
                continue;
            }
            if (nc.getStatus().active()) {
                active.put(key, nc);
                Set<String> known = unit.newEpisode ? Set.of() : episode.getOrDefault(nc.getId(), Set.of());
                episode.put(nc.getId(), withHashes(known, unit.hashes));
            } else {
                if (active.get(key) != null && nc.getId().equals(active.get(key).getId())) {
                    active.remove(key);
                    steady.remove(key);
                }
                episode.remove(nc.getId());
            }
            refused.remove(key);
            changes.add(new Change(unit.kind, nc));
        }
        return changes;
    }

    private static Nonconformity write(EntityManager em, Unit unit, Instant now) {
        Nonconformity nc;
        if (unit.fresh) {
            em.persist(unit.nc);
            nc = unit.nc;
        } else {
            nc = em.merge(unit.nc);
        }
        for (PendingOccurrence o : unit.occurrences) {
            Occurrence.of(nc.getId(), o.at(), o.ruleId(), o.source(), o.incident(), o.evidence()).forEach(em::persist);
        }
        for (AuditRecord record : unit.audit) {
            AuditTrail.append(em, now, new AuditRecord(record.actor(), record.action(), nc.getId(), record.from(), record.to(),
                    record.comment(), record.bodyHash()));
        }
        // no flush per nonconformity: each flush compares every object the transaction holds, which made storing
        // 10,000 new ones take over 20 minutes; the commit writes them once, in JDBC batches
        return nc;
    }

    private void refuse(Nonconformity nc, RuntimeException e) {
        rejectedRows++;
        FindingKey key = new FindingKey(nc.getRuleId(), nc.getAsset());
        if (refused.add(key)) {
            LOG.log(Level.SEVERE, "the register refused the nonconformity of rule " + nc.getRuleId() + " for asset "
                    + AssetNames.shown(nc.getAsset()) + "; it is left out, the others are stored", e);
        } else {
            LOG.fine(() -> "the register refused again the nonconformity of rule " + nc.getRuleId());
        }
    }

    /** SQL states of class 22 (data exception: a value too long) and 23 (integrity constraint violation). */
    private static boolean refusedData(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ figures

    /** Today's snapshot is rewritten whenever the counts change, so it ends the day with the day's last figures. */
    private void snapshotIfDue(Instant now) {
        if (scope.figures() == RegisterScope.Figures.NONE) {
            return;
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        try {
            Map<List<String>, Integer> counts;
            if (scope.figures() == RegisterScope.Figures.FROM_DATABASE) {
                counts = repository.unfixedCounts();
            } else {
                counts = new HashMap<>();
                for (Nonconformity nc : active.values()) {
                    if (nc.getStatus().unfixed()) {
                        counts.merge(List.of(nc.getGrade(), nc.getTheme()), 1, Integer::sum);
                    }
                }
            }
            if (today.equals(snapshotDay) && counts.equals(snapshotCounts)) {
                return;
            }
            write(em -> {
                NonconformityRepository.writeSnapshot(em, today, counts);
                return null;
            });
            snapshotDay = today;
            snapshotCounts = counts;
        } catch (LeaseLostException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot write the register's daily snapshot; retried at the next cycle", e);
        }
    }

    /** Why this register writes no more, once its fence refused a write: the partition's worker stops on it. */
    public Optional<LeaseLostException> leaseLost() {
        return Optional.ofNullable(lost);
    }

    /** How many times the database refused to store a nonconformity since start (each is logged). */
    public long rejectedRows() {
        return rejectedRows;
    }

    /** Active nonconformities: neither closed nor withdrawn. */
    public int activeCount() {
        lock.lock();
        try {
            return active.size();
        } finally {
            lock.unlock();
        }
    }
}
