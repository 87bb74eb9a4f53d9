package io.annexa.evaluation;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceScope;
import io.annexa.evidence.LogEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import io.annexa.evidence.EvidenceSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns the one long-lived {@link EvaluationSession} and the one thread that touches it. Sources hand
 * facts over from any thread through {@link #replace}; the evaluation thread applies everything waiting,
 * fires once, and passes the result on (to the register). Batching keeps a burst of inputs to one cycle.
 *
 * <p>Events waiting to be applied are bounded ({@code maxPendingEvents}): a sender faster than the rules waits in
 * {@link #events} (or is refused by {@link #offerEvents}) instead of growing the heap. The bound counts events, not
 * queued batches, as batches vary from one event to thousands. Evidence reads, withdrawals and library swaps are
 * outside it: they are never refused nor delayed, and they are few (one per file or scan).
 */
public final class EvaluationEngine implements EvidenceSink, Evaluation, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EvaluationEngine.class.getName());
    private static final int BATCH = 10_000;
    /** Cycles shorter than this fire as soon as their input is applied; see {@link #gatherWhileCyclesCostMuch}. */
    private static final long GATHER_FROM_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_GATHER_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RETRY_MILLIS = 5_000;
    /** Events handed over and not yet applied, unless configured otherwise (annexa.engine.max-pending-events). */
    public static final int DEFAULT_MAX_PENDING_EVENTS = 20_000;
    /**
     * Evidence facts (configuration entries, scan results) handed over and not yet applied, unless configured otherwise
     * (annexa.engine.max-pending-facts): a fleet's inbox read at once would otherwise queue every file's facts.
     */
    public static final int DEFAULT_MAX_PENDING_FACTS = 50_000;
    /** How often a sender waiting for room checks that the engine still runs (a dead engine frees no room). */
    private static final long ROOM_CHECK_MILLIS = 1_000;

    private volatile RuleLibrary library;
    private EvaluationSession session;
    private final Consumer<EvaluationResult> results;
    private final BlockingQueue<Consumer<EvaluationSession>> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Map<String, Long> firings = Map.of();
    private volatile Map<String, Instant> lastEvaluated = Map.of();
    private volatile Instant lastCycle;
    /** How long the last cycle took to fire and record its result; read and written by the engine's thread only. */
    private long lastCycleNanos;
    /** Callers of {@link #fired} whose probe was applied in the cycle under way; engine thread only. */
    private final List<CompletableFuture<Void>> awaitingFire = new ArrayList<>();
    private volatile EventStats eventStats = EventStats.NONE;
    private final EventRetention retention;
    private final List<Finding> replayedIncidents = new ArrayList<>();
    /** What the session in service before a swap of this cycle fired, published with the cycle. Engine thread only. */
    private EvaluationResult beforeSwap;
    private volatile List<Quarantine> quarantines = List.of();
    /** Findings of quarantined rules as last published before they failed, by rule id. Engine thread only. */
    private Map<String, Set<Finding>> frozen = new HashMap<>();
    /** Rules quarantined since the last cycle's result was made: what they raised in it is dropped. Engine thread only. */
    private final Set<String> quarantinedThisCycle = new HashSet<>();
    /** The findings of the last result made, as the register will see them. Engine thread only. */
    private Set<Finding> lastFindings = Set.of();
    private final int maxPendingEvents;
    /** While true, results are merged and kept instead of published ({@link #holdResults}). */
    private volatile boolean held;
    /** One permit per event that may still be handed over; taken by senders, given back once applied. Fair: a large batch is not starved by small ones. */
    private final Semaphore eventRoom;
    private final int maxPendingFacts;
    /** One permit per evidence fact that may still be handed over, as {@link #eventRoom} is for events. */
    private final Semaphore factRoom;

    /**
     * @param results called on the evaluation thread after each cycle; when it throws, the same result is
     *                offered again after a pause, so a database outage delays the register instead of losing changes
     */
    public EvaluationEngine(RuleLibrary library, Consumer<EvaluationResult> results, ThreadFactory threads) {
        this(library, results, threads, DEFAULT_MAX_PENDING_EVENTS, EventRetention.DEFAULT);
    }

    /** @param maxPendingEvents how many events may wait to be applied before {@link #events} blocks */
    public EvaluationEngine(RuleLibrary library, Consumer<EvaluationResult> results, ThreadFactory threads, int maxPendingEvents) {
        this(library, results, threads, maxPendingEvents, EventRetention.DEFAULT);
    }

    /** @param retention how long log events stay where the rules do not say ({@link EventRetention}) */
    public EvaluationEngine(RuleLibrary library, Consumer<EvaluationResult> results, ThreadFactory threads,
                            EventRetention retention) {
        this(library, results, threads, DEFAULT_MAX_PENDING_EVENTS, retention);
    }

    /**
     * @param maxPendingEvents how many events may wait to be applied before {@link #events} blocks
     * @param retention        how long log events stay where the rules do not say ({@link EventRetention})
     */
    public EvaluationEngine(RuleLibrary library, Consumer<EvaluationResult> results, ThreadFactory threads, int maxPendingEvents,
                            EventRetention retention) {
        this(library, results, threads, maxPendingEvents, DEFAULT_MAX_PENDING_FACTS, retention);
    }

    /**
     * @param maxPendingEvents how many events may wait to be applied before {@link #events} blocks
     * @param maxPendingFacts  how many evidence facts may wait to be applied before {@link #replace} blocks
     * @param retention        how long log events stay where the rules do not say ({@link EventRetention})
     */
    public EvaluationEngine(RuleLibrary library, Consumer<EvaluationResult> results, ThreadFactory threads, int maxPendingEvents,
                            int maxPendingFacts, EventRetention retention) {
        if (maxPendingEvents < 1) {
            throw new IllegalArgumentException("at least one event must be able to wait, not " + maxPendingEvents);
        }
        if (maxPendingFacts < 1) {
            throw new IllegalArgumentException("at least one evidence fact must be able to wait, not " + maxPendingFacts);
        }
        this.maxPendingEvents = maxPendingEvents;
        this.eventRoom = new Semaphore(maxPendingEvents, true);
        this.maxPendingFacts = maxPendingFacts;
        this.factRoom = new Semaphore(maxPendingFacts, true);
        this.retention = retention;
        this.library = library;
        this.results = results;
        this.session = open(library, EvaluationSession.Clock.REALTIME);
        this.thread = threads.newThread(this::run);
        thread.setName("annexa-evaluation");
        thread.start();
    }

    /**
     * Blocks while {@code maxPendingFacts} evidence facts wait to be applied, until these fit (more than the bound: until
     * none wait). Evidence comes from files and scans, whose routes can wait; withdrawals carry no facts and never wait.
     */
    @Override
    public void replace(EvidenceKey key, List<Object> facts) {
        List<Object> copy = List.copyOf(facts);
        inbox.add(new Counted(factRoom, awaitRoom(factRoom, maxPendingFacts, copy.size(), "evidence facts"),
                s -> s.replace(key, copy)));
    }

    /**
     * One host snapshot as one input: applied by the evaluation thread in one step, so no cycle fires between its
     * kinds, and waiting for room like {@link #replace} (by all its facts).
     */
    @Override
    public void replaceSnapshot(String asset, String origin, Map<EvidenceKey, List<Object>> evidence) {
        io.annexa.evidence.SnapshotKeys.check(asset, origin, evidence.keySet());
        Map<EvidenceKey, List<Object>> copy = new java.util.LinkedHashMap<>();
        evidence.forEach((key, facts) -> copy.put(key, List.copyOf(facts)));
        int facts = copy.values().stream().mapToInt(List::size).sum();
        inbox.add(new Counted(factRoom, awaitRoom(factRoom, maxPendingFacts, facts, "evidence facts"),
                s -> s.replaceSnapshot(asset, origin, copy)));
    }

    /**
     * Several pieces of evidence as one input, applied in one step so that no cycle sees some of them without the
     * others: a consumer that receives what sources read one file at a time (cluster mode) hands over together what
     * arrived together, as the sources' own sink calls would have reached the engine within one cycle. Calls made on the
     * sink given to {@code batch} are collected, then applied in order; the batch waits for room by all its facts.
     */
    public void together(Consumer<EvidenceSink> batch) {
        List<Consumer<EvaluationSession>> changes = new ArrayList<>();
        int[] facts = {0};
        batch.accept(new EvidenceSink() {
            @Override
            public void replace(EvidenceKey key, List<Object> replaced) {
                List<Object> copy = List.copyOf(replaced);
                facts[0] += copy.size();
                changes.add(s -> s.replace(key, copy));
            }

            @Override
            public void replaceSnapshot(String asset, String origin, Map<EvidenceKey, List<Object>> evidence) {
                io.annexa.evidence.SnapshotKeys.check(asset, origin, evidence.keySet());
                Map<EvidenceKey, List<Object>> copy = new java.util.LinkedHashMap<>();
                evidence.forEach((key, read) -> copy.put(key, List.copyOf(read)));
                facts[0] += copy.values().stream().mapToInt(List::size).sum();
                changes.add(s -> s.replaceSnapshot(asset, origin, copy));
            }

            @Override
            public void withdraw(EvidenceKey key) {
                changes.add(s -> s.withdraw(key));
            }

            @Override
            public void events(List<?> events) {
                throw new UnsupportedOperationException("events are not evidence: hand them over with events()");
            }
        });
        if (changes.isEmpty()) {
            return;
        }
        inbox.add(new Counted(factRoom, awaitRoom(factRoom, maxPendingFacts, facts[0], "evidence facts"),
                s -> changes.forEach(change -> change.accept(s))));
    }

    /** Retracted on the evaluation thread like a replaced read; the next result reports the scope as removed. */
    @Override
    public void withdraw(EvidenceKey key) {
        inbox.add(s -> s.withdraw(key));
    }

    /** Blocks while {@code maxPendingEvents} events wait to be applied, until this batch fits (a larger batch: until none wait). */
    @Override
    public void events(List<?> events) {
        List<?> copy = List.copyOf(events);
        inbox.add(new Counted(eventRoom, awaitRoom(eventRoom, maxPendingEvents, copy.size(), "events"), s -> insertLive(s, copy)));
    }

    /**
     * Runs {@code marker} on the evaluation thread once everything handed over before it has been applied, before the
     * cycle whose result includes it is published. A consumer that must not acknowledge its input before the register
     * has it (cluster mode: Kafka offsets) marks its position with this and acknowledges once the result is recorded.
     */
    public void whenApplied(Runnable marker) {
        inbox.add(s -> marker.run());
    }

    /**
     * Keeps the results to itself until {@link #releaseResults}: a session being filled with the state of a whole
     * partition (cluster mode's take-over) would otherwise publish a cycle that saw half of it, and the register would
     * open what the other half disproves a moment later. Kept results are merged as a result that failed to publish is,
     * so nothing re-read, removed or raised in the meantime is lost.
     */
    public void holdResults() {
        held = true;
    }

    /**
     * Publishes what was kept once everything handed over before this call is applied: with the cycle that follows, which
     * this call brings about, and not before (a cycle over part of what was handed over stays kept).
     */
    public void releaseResults() {
        whenApplied(() -> held = false);
    }

    /** Refuses the batch, without waiting, when it does not fit now or senders are already waiting for room. */
    @Override
    public boolean offerEvents(List<?> events) {
        List<?> copy = List.copyOf(events);
        int permits = permitsFor(copy.size(), maxPendingEvents);
        try {
            // with a timeout, unlike the plain tryAcquire, the fair order is kept: no barging past waiting senders
            if (permits > 0 && !eventRoom.tryAcquire(permits, 0, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        inbox.add(new Counted(eventRoom, permits, s -> insertLive(s, copy)));
        return true;
    }

    private static void insertLive(EvaluationSession session, List<?> events) {
        for (Object event : events) {
            session.insertEvent(event, event instanceof LogEvent log ? log.getTimestamp() : Instant.now());
        }
    }

    /** Events handed over and not yet applied (waiting in the queue). */
    public int pendingEvents() {
        return maxPendingEvents - eventRoom.availablePermits();
    }

    public int maxPendingEvents() {
        return maxPendingEvents;
    }

    /** Evidence facts handed over and not yet applied (waiting in the queue). */
    public int pendingFacts() {
        return maxPendingFacts - factRoom.availablePermits();
    }

    public int maxPendingFacts() {
        return maxPendingFacts;
    }

    /**
     * The permits a batch of this size takes: a batch larger than the bound takes all of them, so it still goes
     * through once nothing else waits. None on the evaluation thread, which must never wait for itself to make room.
     */
    private int permitsFor(int items, int bound) {
        return Thread.currentThread() == thread ? 0 : Math.min(items, bound);
    }

    /** @return the permits taken from {@code room}, to give back once the batch is applied */
    private int awaitRoom(Semaphore room, int bound, int items, String what) {
        int permits = permitsFor(items, bound);
        if (permits == 0) {
            return 0;
        }
        try {
            while (!room.tryAcquire(permits, ROOM_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                if (!isRunning()) {
                    throw new IllegalStateException("the evaluation engine has stopped; " + items + " " + what + " not taken");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for room in the evaluation engine; "
                    + items + " " + what + " not taken", e);
        }
        return permits;
    }

    /** A batch of events or evidence holding {@code permits} of {@code room}'s bound until it is applied. */
    private record Counted(Semaphore room, int permits, Consumer<EvaluationSession> change) implements Consumer<EvaluationSession> {
        @Override
        public void accept(EvaluationSession session) {
            change.accept(session);
        }
    }

    /**
     * A replay runs in a session of its own with a pseudo clock that follows the events, fed by the evaluation
     * thread like everything else; its incidents join the next cycle's result when it is closed.
     */
    @Override
    public Replay replay(String name) {
        ReplaySession replay = new ReplaySession(name);
        return new Replay() {
            @Override
            public void events(List<?> events) {
                // a replay reads a file: it waits for room like a followed file does
                List<?> copy = List.copyOf(events);
                inbox.add(new Counted(eventRoom, awaitRoom(eventRoom, maxPendingEvents, copy.size(), "events"),
                        s -> replay.insert(copy)));
            }

            @Override
            public void close() {
                inbox.add(s -> replay.finish());
            }
        };
    }

    /** The state of one replay; touched by the evaluation thread only. */
    private final class ReplaySession {
        private final String name;
        private EvaluationSession session;
        private long events;

        ReplaySession(String name) {
            this.name = name;
        }

        void insert(List<?> batch) {
            if (session == null) {
                session = open(library, EvaluationSession.Clock.PSEUDO);
            }
            for (Object event : batch) {
                if (event instanceof LogEvent log) {
                    session.insertEvent(log, log.getTimestamp());
                    events++;
                }
            }
        }

        void finish() {
            if (session == null) {
                return;
            }
            try {
                List<Finding> found = session.fire().incidents();
                replayedIncidents.addAll(found);
                LOG.info(() -> "replayed " + events + " events of " + name + ": " + found.size() + " incident(s)");
            } finally {
                session.close();
                session = null;
            }
        }
    }

    /**
     * Replaces the rule library without losing anything: the swap is queued behind every input already
     * handed over, and the rules in service fire what those inputs activated. Then the session in service is changed
     * in place where it can be ({@link InPlaceChange}: the rules that changed leave, their new versions join and count
     * the live events, everything else stays), or a new session starts from all current evidence and live events.
     * Build and check the library before: its rules must compile ({@link RuleLibrary#loadForSwap}).
     *
     * @return completed on the evaluation thread with {@code next} once it is in service, or exceptionally, with
     *         the reason, when it could not be put in service (the library in service then stays)
     */
    @Override
    public CompletableFuture<RuleLibrary> swap(RuleLibrary next) {
        return queue(new Swap(next, new CompletableFuture<>(), true));
    }

    /**
     * As {@link #swap}, always with a new session: for measuring what a change in place saves. The library in service
     * stays usable (its KieBase is not changed).
     */
    CompletableFuture<RuleLibrary> swapToNewSession(RuleLibrary next) {
        return queue(new Swap(next, new CompletableFuture<>(), false));
    }

    private CompletableFuture<RuleLibrary> queue(Swap swap) {
        inbox.add(swap);
        if (!running) {
            // close() may have drained the inbox before this swap was queued
            swap.applied().completeExceptionally(new IllegalStateException("the evaluation engine is stopped"));
        }
        return swap.applied();
    }

    /** A queued library change; applied by the evaluation thread between inputs. */
    private record Swap(RuleLibrary next, CompletableFuture<RuleLibrary> applied, boolean inPlaceAllowed)
            implements Consumer<EvaluationSession> {
        @Override
        public void accept(EvaluationSession ignored) {
            throw new IllegalStateException("applied by the engine itself");
        }
    }

    private void swapTo(Swap swap) {
        RuleLibrary next = swap.next();
        try {
            // The inputs before the swap were handed to the rules in service: those fire them, and what they raise
            // is reported with this cycle. The new rules then count the live events again.
            beforeSwap = supersede(beforeSwap, session.fire());
        } catch (RuntimeException | LinkageError e) {
            refuse(swap, e);
            return;
        }
        QuarantineState before = new QuarantineState(quarantines, new HashMap<>(frozen), new HashSet<>(quarantinedThisCycle));
        InPlaceChange change = null;
        if (swap.inPlaceAllowed()) {
            try {
                change = InPlaceChange.between(library, next, session);
            } catch (RuntimeException | LinkageError e) {
                // nothing has changed yet: a new session is the way that always works
                LOG.log(Level.WARNING, "cannot prepare the rule change in place; a new session takes it", e);
            }
            if (change != null && change.whyNot() != null) {
                String why = change.whyNot();
                LOG.info(() -> "rule library " + next.contentHash().substring(0, 12) + " needs a new session: " + why);
                change = null;
            }
        }
        if (change != null) {
            swapInPlace(swap, change, before);
        } else {
            swapToNewSession(swap, before);
        }
    }

    /** The quarantine state before a swap, restored when the swap fails: what the new rules did not happen. */
    private record QuarantineState(List<Quarantine> quarantines, Map<String, Set<Finding>> frozen, Set<String> thisCycle) {
    }

    private void restore(QuarantineState before) {
        quarantines = before.quarantines();
        frozen = before.frozen();
        quarantinedThisCycle.clear();
        quarantinedThisCycle.addAll(before.thisCycle());
    }

    private void swapInPlace(Swap swap, InPlaceChange change, QuarantineState before) {
        RuleLibrary next = swap.next();
        List<Finding> raised;
        try {
            session.refuseOnly(refusedIn(next));
            session.onRuleFailure(failure -> quarantine(next, failure));
            raised = change.apply(session);
        } catch (RuntimeException | LinkageError e) {
            restore(before);
            reopenAfterFailedChange(change, e);
            refuse(swap, e);
            return;
        }
        liftQuarantines(next);
        library = next;
        replayedIncidents.addAll(raised);
        LOG.info(() -> "rule library " + next.contentHash().substring(0, 12) + " in service, changed in place: "
                + change.reset().size() + " of " + next.rules().size() + " rules replaced"
                + (change.reset().size() <= 10 ? " " + change.reset() : ""));
        swap.applied().complete(next);
    }

    /**
     * After a change in place failed half way, the session's KieBase may hold part of it: a new session of the library
     * in service, from a fresh KieBase of its rules, takes over this one's evidence and live events. Its rules are
     * the ones that were in service, so what they find again was reported already; windows whose burst was reported
     * stay reported, from the windows before the change for the rules it reset.
     */
    private void reopenAfterFailedChange(InPlaceChange change, Throwable cause) {
        try {
            EvaluationSession fresh = reopen(library, id -> false, id -> !change.reset().contains(id), new ArrayList<>());
            fresh.carryOverReported(change.reportedBefore(), change.reset()::contains);
            session.close();
            session = fresh;
        } catch (RuntimeException | LinkageError e) {
            cause.addSuppressed(e);
            LOG.log(Level.SEVERE, "a failed rule change in place could not be undone by a new session; the session in "
                    + "service may run part of the new rules", e);
        }
    }

    private void swapToNewSession(Swap swap, QuarantineState before) {
        RuleLibrary next = swap.next();
        RuleLibrary previous = library;
        Map<String, Boolean> changed = new HashMap<>();
        java.util.function.Predicate<String> isChanged =
                id -> changed.computeIfAbsent(id, r -> InPlaceChange.changedBetween(previous, next, r));
        List<Finding> raised = new ArrayList<>();
        EvaluationSession fresh;
        try {
            // What unchanged rules find in the live events the old session has reported already. Changed or new
            // rules report theirs: they were not looking before.
            fresh = reopen(next, isChanged, isChanged.negate(), raised);
        } catch (RuntimeException | LinkageError e) {
            // what the new rules' session quarantined did not happen to the rules that stay in service
            restore(before);
            refuse(swap, e);
            return;
        }
        liftQuarantines(next);
        EvaluationSession old = session;
        session = fresh;
        library = next;
        old.close();
        replayedIncidents.addAll(raised);
        LOG.info(() -> "rule library " + next.contentHash().substring(0, 12) + " in service: " + next.rules().size() + " rules");
        swap.applied().complete(next);
    }

    /**
     * A new session of {@code rules} with the evidence and live events of the session in service, fired: the incidents
     * of the rules {@code reported} accepts go to {@code raised}, the others are dropped; the windows of the rules
     * {@code unchanged} accepts take over whether the session in service had reported their burst. Closed again if
     * anything fails.
     */
    private EvaluationSession reopen(RuleLibrary rules, java.util.function.Predicate<String> reported,
                                     java.util.function.Predicate<String> unchanged, List<Finding> raised) {
        EvaluationSession fresh = null;
        try {
            fresh = open(rules, EvaluationSession.Clock.REALTIME);
            session.evidence().forEach(fresh::carryOver);
            fresh.carryOverEventCounts(session);
            fresh.carryOverCounts(session);
            for (LogEvent event : session.liveEvents()) {
                fresh.insertEvent(event, event.getTimestamp());
            }
            for (Finding incident : fresh.settleCarriedOver()) {
                if (reported.test(incident.getRuleId())) {
                    raised.add(incident);
                }
            }
            fresh.carryOverReported(session, unchanged);
            return fresh;
        } catch (RuntimeException | LinkageError e) {
            if (fresh != null) {
                fresh.close();
            }
            throw e;
        }
    }

    /** The DRL packages of {@code rules} whose rule is quarantined in the version {@code rules} holds. */
    private List<String> refusedIn(RuleLibrary rules) {
        return quarantines.stream().filter(q -> stillQuarantined(q, rules))
                .flatMap(q -> rules.rule(q.ruleId()).stream()).map(RuleDefinition::drlPackage).toList();
    }

    private static void refuse(Swap swap, Throwable cause) {
        LOG.log(Level.SEVERE, "rule library " + swap.next().contentHash().substring(0, 12)
                + " cannot be put in service; the previous rules keep running", cause);
        swap.applied().completeExceptionally(cause);
    }

    // ---------------------------------------------------------------- quarantine

    /** A session of {@code rules} that refuses the rules quarantined in their version there and quarantines failing ones. */
    private EvaluationSession open(RuleLibrary rules, EvaluationSession.Clock clock) {
        EvaluationSession opened = rules.newSession(clock, retention);
        opened.refuse(refusedIn(rules));
        opened.onRuleFailure(failure -> quarantine(rules, failure));
        return opened;
    }

    private static boolean stillQuarantined(Quarantine quarantine, RuleLibrary rules) {
        return rules.rule(quarantine.ruleId()).isPresent() && rules.version(quarantine.ruleId()).equals(quarantine.version());
    }

    private void quarantine(RuleLibrary rules, EvaluationSession.RuleFailure failure) {
        String ruleId = rules.rules().stream().filter(r -> r.drlPackage().equals(failure.drlPackage()))
                .map(RuleDefinition::id).findFirst().orElse(failure.drlPackage());
        String version = rules.version(ruleId);
        // during a swap the new version may fail while the old one's quarantine is still in force: both are kept
        // until the swap lifts the old one
        if (quarantines.stream().anyMatch(q -> q.ruleId().equals(ruleId) && q.version().equals(version))) {
            return;
        }
        Quarantine quarantine = new Quarantine(ruleId, version, failure.ruleName(), failure.reason(), Instant.now());
        // What the register was last told stays: without its finding, a nonconformity whose evidence is read again
        // would be resolved, though nothing evaluated it.
        frozen.put(ruleId, lastFindings.stream().filter(f -> f.getRuleId().equals(ruleId)).collect(Collectors.toSet()));
        quarantinedThisCycle.add(ruleId);
        List<Quarantine> updated = new ArrayList<>(quarantines);
        updated.add(quarantine);
        quarantines = List.copyOf(updated);
        // a replay's session may fail first: the session in service must not run the rule either
        session.refuse(List.of(failure.drlPackage()));
        LOG.severe(() -> "rule " + ruleId + " (version " + quarantine.version() + ") quarantined, the other rules go on: "
                + quarantine.reason());
    }

    /** Ends the quarantines of rules that {@code next} holds in another version, or not at all. */
    private void liftQuarantines(RuleLibrary next) {
        List<Quarantine> kept = new ArrayList<>();
        for (Quarantine quarantine : quarantines) {
            if (stillQuarantined(quarantine, next)) {
                kept.add(quarantine);
            } else {
                LOG.info(() -> "quarantine of rule " + quarantine.ruleId() + " (version " + quarantine.version()
                        + ") lifted: version " + next.version(quarantine.ruleId()) + " deployed");
            }
        }
        Set<String> stillOut = kept.stream().map(Quarantine::ruleId).collect(Collectors.toSet());
        frozen.keySet().retainAll(stillOut);
        quarantinedThisCycle.retainAll(stillOut);
        quarantines = List.copyOf(kept);
    }

    /**
     * Rules switched off after failing at run time, oldest first, each with its reason and since when. A quarantine
     * ends when another version of its rule is in service.
     */
    @Override
    public List<Quarantine> quarantines() {
        return quarantines;
    }

    /** The quarantine of a rule, if it is switched off. */
    @Override
    public Optional<Quarantine> quarantine(String ruleId) {
        return quarantines.stream().filter(q -> q.ruleId().equals(ruleId)).findFirst();
    }

    /** Quarantines in force that began after {@code instant}: for whoever polls to announce new ones. */
    public List<Quarantine> quarantinesSince(Instant instant) {
        return quarantines.stream().filter(q -> q.since().isAfter(instant)).toList();
    }

    /**
     * A quarantined rule is not evaluated: its findings are the ones published before it failed (those whose
     * evidence was removed since go, so that the register withdraws them), and what it raised in the cycle it
     * failed in is dropped, as the output of a failing rule cannot be trusted.
     */
    private EvaluationResult withQuarantines(EvaluationResult result) {
        if (frozen.isEmpty() && quarantinedThisCycle.isEmpty()) {
            return result;
        }
        Set<String> out = new HashSet<>(frozen.keySet());
        out.addAll(quarantinedThisCycle);
        quarantinedThisCycle.clear();
        Set<Finding> findings = result.findings().stream().filter(f -> !out.contains(f.getRuleId()))
                .collect(Collectors.toCollection(HashSet::new));
        frozen.replaceAll((ruleId, kept) -> kept.stream().filter(f -> evidenceHeld(f, result.observed())).collect(Collectors.toSet()));
        frozen.values().forEach(findings::addAll);
        List<Finding> incidents = result.incidents().stream().filter(f -> !out.contains(f.getRuleId())).toList();
        return new EvaluationResult(result.at(), findings, result.observed(), result.refreshed(), result.fired(), incidents,
                result.removed(), frozen.keySet());
    }

    private boolean evidenceHeld(Finding finding, Set<EvidenceScope> observed) {
        List<String> sources = library.rule(finding.getRuleId()).map(RuleDefinition::sources).orElse(List.of());
        return sources.isEmpty() || sources.stream().anyMatch(s -> observed.contains(new EvidenceScope(s, finding.getAsset())));
    }

    @Override
    public RuleLibrary library() {
        return library;
    }

    /**
     * Completes once everything handed over before this call has been applied and the cycle it was part of has fired
     * and handed its result on (or kept it, while results are held or could not be recorded). For tests and benchmarks
     * that wait for the engine to catch up: two probes one after the other no longer tell that, as a costly cycle
     * gathers what arrives meanwhile ({@link #gatherWhileCyclesCostMuch}).
     */
    CompletableFuture<Void> fired() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        inbox.add(s -> awaitingFire.add(done));
        return done;
    }

    /**
     * Runs {@code probe} on the evaluation thread against the session in service, after every input handed
     * over before it has been applied (not necessarily fired: the cycle it is part of fires after it). For
     * tests and benchmarks that must look into the session, which no other thread may touch.
     */
    <T> CompletableFuture<T> inspect(Function<EvaluationSession, T> probe) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        inbox.add(s -> {
            try {
                answer.complete(probe.apply(s));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /** When each rule (by id) last evaluated freshly read evidence of the kinds it reads. */
    @Override
    public Map<String, Instant> lastEvaluated() {
        return lastEvaluated;
    }

    private void recordEvaluated(EvaluationResult result) {
        Set<String> refreshedSources = result.refreshed().stream().map(EvidenceScope::source).collect(Collectors.toSet());
        Map<String, Instant> updated = new HashMap<>(lastEvaluated);
        for (RuleDefinition rule : library.rules()) {
            if (quarantine(rule.id()).isEmpty() && rule.sources().stream().anyMatch(refreshedSources::contains)) {
                updated.put(rule.id(), result.at());
            }
        }
        lastEvaluated = Map.copyOf(updated);
    }

    /**
     * The live session's log events by kind, as of the last cycle: how long each kind stays, how many are live, how
     * many were only counted because no enabled rule reads their kind.
     */
    @Override
    public EventStats eventStats() {
        return eventStats;
    }

    /** How often each rule has fired, by rule id. */
    @Override
    public Map<String, Long> firings() {
        return firings;
    }

    public Instant lastCycle() {
        return lastCycle;
    }

    @Override
    public boolean isRunning() {
        return running && thread.isAlive();
    }

    private void run() {
        EvaluationResult unpublished = null;
        List<Consumer<EvaluationSession>> batch = new ArrayList<>();
        while (running) {
            try {
                Consumer<EvaluationSession> first = unpublished == null
                        ? inbox.take() : inbox.poll(RETRY_MILLIS, TimeUnit.MILLISECONDS);
                batch.clear();
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch, BATCH);
                }
                applyAll(batch);
                if (!batch.isEmpty()) {
                    gatherWhileCyclesCostMuch(batch.size());
                }
                long cycleStart = System.nanoTime();
                EvaluationResult result = batch.isEmpty() ? unpublished : supersede(unpublished, cycle());
                lastFindings = result.findings();
                lastCycle = Instant.now();
                firings = firingsByRuleId();
                eventStats = session.eventStats();
                if (!batch.isEmpty()) {
                    recordEvaluated(result);
                }
                // held: kept and merged with the next cycles (as a result that failed to publish is), published once released
                unpublished = held ? result : publish(result);
                lastCycleNanos = System.nanoTime() - cycleStart;
                awaitingFire.forEach(done -> done.complete(null));
                awaitingFire.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "evaluation cycle failed; the engine carries on with the next input", e);
            }
        }
    }

    private void applyAll(List<Consumer<EvaluationSession>> changes) {
        for (Consumer<EvaluationSession> change : changes) {
            try {
                apply(change);
            } finally {
                if (change instanceof Counted counted) {
                    counted.room().release(counted.permits());
                }
            }
        }
    }

    /**
     * When cycles cost much, input that arrives soon after is applied before the next one rather than fired in a cycle
     * of its own: for as long as the last cycle took (firing and recording its result), at most a second. Part of that
     * cost grows with the estate, not with the input (a result carries every finding and every evidence scope the
     * session holds, and the register looks at each), so a fleet's
     * intake of 30,000 files then runs a few large cycles instead of hundreds of small ones; a single change waits at
     * most as long as a cycle takes. Cheap cycles fire at once, as before.
     */
    private void gatherWhileCyclesCostMuch(int applied) throws InterruptedException {
        if (lastCycleNanos < GATHER_FROM_NANOS) {
            return;
        }
        long until = System.nanoTime() + Math.min(lastCycleNanos, MAX_GATHER_NANOS);
        List<Consumer<EvaluationSession>> more = new ArrayList<>();
        for (long left = until - System.nanoTime(); left > 0 && applied < BATCH; left = until - System.nanoTime()) {
            Consumer<EvaluationSession> next = inbox.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            more.clear();
            more.add(next);
            inbox.drainTo(more, BATCH - applied - 1);
            applyAll(more);
            applied += more.size();
        }
    }

    /** Fires the session in service and makes the cycle's result, with what a swap in the cycle fired before. */
    private EvaluationResult cycle() {
        EvaluationResult fired = withReplayed(session.fire());
        EvaluationResult result = withQuarantines(supersede(beforeSwap, fired));
        beforeSwap = null;
        return result;
    }

    private void apply(Consumer<EvaluationSession> change) {
        try {
            if (change instanceof Swap swap) {
                swapTo(swap);
                return;
            }
            change.accept(session);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot apply evidence to the session; skipped", e);
        }
    }

    private EvaluationResult withReplayed(EvaluationResult fired) {
        if (replayedIncidents.isEmpty()) {
            return fired;
        }
        List<Finding> incidents = new ArrayList<>(replayedIncidents);
        incidents.addAll(fired.incidents());
        replayedIncidents.clear();
        return new EvaluationResult(fired.at(), fired.findings(), fired.observed(), fired.refreshed(), fired.fired(), incidents,
                fired.removed(), fired.unevaluated());
    }

    /**
     * A newer cycle replaces a result still waiting to be published: findings and observed are the session's
     * current state, but what only the waiting result re-read must not be lost (the register dates lastSeen by it),
     * nor what it removed, unless evidence for it came back since.
     */
    private static EvaluationResult supersede(EvaluationResult waiting, EvaluationResult newer) {
        return waiting == null ? newer : waiting.supersededBy(newer);
    }

    /** @return the result again when it could not be published, to retry */
    private EvaluationResult publish(EvaluationResult result) {
        try {
            results.accept(result);
            return null;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot record the evaluation result; retrying in " + RETRY_MILLIS + " ms", e);
            return result;
        }
    }

    private Map<String, Long> firingsByRuleId() {
        Map<String, Long> byPackage = session.firings();
        Map<String, Long> byId = new java.util.HashMap<>();
        for (RuleDefinition rule : library.rules()) {
            byId.put(rule.id(), byPackage.getOrDefault(rule.drlPackage(), 0L));
        }
        return Map.copyOf(byId);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Consumer<EvaluationSession> left : inbox) {
            if (left instanceof Swap swap) {
                swap.applied().completeExceptionally(new IllegalStateException("the evaluation engine stopped before the rules were swapped"));
            }
        }
        session.close();
    }
}
