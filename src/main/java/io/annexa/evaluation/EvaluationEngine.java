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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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
 */
public final class EvaluationEngine implements EvidenceSink, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EvaluationEngine.class.getName());
    private static final int BATCH = 10_000;
    private static final long RETRY_MILLIS = 5_000;

    private volatile RuleLibrary library;
    private EvaluationSession session;
    private final Consumer<EvaluationResult> results;
    private final BlockingQueue<Consumer<EvaluationSession>> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Map<String, Long> firings = Map.of();
    private volatile Map<String, Instant> lastEvaluated = Map.of();
    private volatile Instant lastCycle;
    private volatile EventStats eventStats = EventStats.NONE;
    private final EventRetention retention;
    private final List<Finding> replayedIncidents = new ArrayList<>();

    /**
     * @param results called on the evaluation thread after each cycle; when it throws, the same result is
     *                offered again after a pause, so a database outage delays the register instead of losing changes
     */
    public EvaluationEngine(RuleLibrary library, Consumer<EvaluationResult> results, ThreadFactory threads) {
        this(library, results, threads, EventRetention.DEFAULT);
    }

    /** @param retention how long log events stay where the rules do not say ({@link EventRetention}) */
    public EvaluationEngine(RuleLibrary library, Consumer<EvaluationResult> results, ThreadFactory threads,
                            EventRetention retention) {
        this.retention = retention;
        this.library = library;
        this.session = library.newSession(EvaluationSession.Clock.REALTIME, retention);
        this.results = results;
        this.thread = threads.newThread(this::run);
        thread.setName("annexa-evaluation");
        thread.start();
    }

    @Override
    public void replace(EvidenceKey key, List<Object> facts) {
        List<Object> copy = List.copyOf(facts);
        inbox.add(s -> s.replace(key, copy));
    }

    /** Retracted on the evaluation thread like a replaced read; the next result reports the scope as removed. */
    @Override
    public void withdraw(EvidenceKey key) {
        inbox.add(s -> s.withdraw(key));
    }

    @Override
    public void events(List<?> events) {
        List<?> copy = List.copyOf(events);
        inbox.add(s -> {
            for (Object event : copy) {
                s.insertEvent(event, event instanceof LogEvent log ? log.getTimestamp() : Instant.now());
            }
        });
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
                List<?> copy = List.copyOf(events);
                inbox.add(s -> replay.insert(copy));
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
                session = library.newSession(EvaluationSession.Clock.PSEUDO, retention);
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
     * handed over, the new session starts from all current evidence and live events, and the next
     * cycle re-derives the findings. Build and check the library before: this never fails on rules.
     */
    public void swap(RuleLibrary next) {
        inbox.add(new Swap(next));
    }

    /** A queued library change; applied by the evaluation thread between inputs. */
    private record Swap(RuleLibrary next) implements Consumer<EvaluationSession> {
        @Override
        public void accept(EvaluationSession ignored) {
            throw new IllegalStateException("applied by the engine itself");
        }
    }

    private static boolean changedBetween(RuleLibrary before, RuleLibrary after, String ruleId) {
        return !before.isEnabled(ruleId) || !before.version(ruleId).equals(after.version(ruleId))
                || !parametersOf(before, ruleId).equals(parametersOf(after, ruleId));
    }

    private static java.util.Set<io.annexa.evidence.RuleParameter> parametersOf(RuleLibrary library, String ruleId) {
        return library.parameters().stream().filter(p -> p.rule().equals(ruleId)).collect(java.util.stream.Collectors.toSet());
    }

    private void swapTo(RuleLibrary next) {
        EvaluationSession fresh = next.newSession(EvaluationSession.Clock.REALTIME, retention);
        session.evidence().forEach(fresh::carryOver);
        fresh.carryOverWithdrawals(session);
        fresh.carryOverEventCounts(session);
        for (LogEvent event : session.liveEvents()) {
            fresh.insertEvent(event, event.getTimestamp());
        }
        // The new session counts the live events again; what unchanged rules find in them the old session
        // has reported already. Changed or new rules report theirs: they were not looking before.
        Map<String, Boolean> changed = new java.util.HashMap<>();
        for (Finding incident : fresh.settleCarriedOver()) {
            if (changed.computeIfAbsent(incident.getRuleId(), id -> changedBetween(library, next, id))) {
                replayedIncidents.add(incident);
            }
        }
        EvaluationSession old = session;
        session = fresh;
        library = next;
        old.close();
        LOG.info(() -> "rule library " + next.contentHash().substring(0, 12) + " in service: " + next.rules().size() + " rules");
    }

    public RuleLibrary library() {
        return library;
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
    public Map<String, Instant> lastEvaluated() {
        return lastEvaluated;
    }

    private void recordEvaluated(EvaluationResult result) {
        Set<String> refreshedSources = result.refreshed().stream().map(EvidenceScope::source).collect(Collectors.toSet());
        Map<String, Instant> updated = new HashMap<>(lastEvaluated);
        for (RuleDefinition rule : library.rules()) {
            if (rule.sources().stream().anyMatch(refreshedSources::contains)) {
                updated.put(rule.id(), result.at());
            }
        }
        lastEvaluated = Map.copyOf(updated);
    }

    /**
     * The live session's log events by kind, as of the last cycle: how long each kind stays, how many are live, how
     * many were only counted because no enabled rule reads their kind.
     */
    public EventStats eventStats() {
        return eventStats;
    }

    /** How often each rule has fired, by rule id. */
    public Map<String, Long> firings() {
        return firings;
    }

    public Instant lastCycle() {
        return lastCycle;
    }

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
                for (Consumer<EvaluationSession> change : batch) {
                    apply(change);
                }
                EvaluationResult result = batch.isEmpty() ? unpublished : supersede(unpublished, withReplayed(session.fire()));
                lastCycle = Instant.now();
                firings = firingsByRuleId();
                eventStats = session.eventStats();
                if (!batch.isEmpty()) {
                    recordEvaluated(result);
                }
                unpublished = publish(result);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "evaluation cycle failed; the engine carries on with the next input", e);
            }
        }
    }

    private void apply(Consumer<EvaluationSession> change) {
        try {
            if (change instanceof Swap swap) {
                swapTo(swap.next());
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
                fired.removed());
    }

    /**
     * A newer cycle replaces a result still waiting to be published: findings and observed are the session's
     * current state, but what only the waiting result re-read must not be lost (the register dates lastSeen by it),
     * nor what it removed, unless evidence for it came back since.
     */
    private static EvaluationResult supersede(EvaluationResult waiting, EvaluationResult newer) {
        if (waiting == null) {
            return newer;
        }
        java.util.Set<io.annexa.evidence.EvidenceScope> refreshed = new java.util.HashSet<>(waiting.refreshed());
        refreshed.addAll(newer.refreshed());
        List<Finding> incidents = new ArrayList<>(waiting.incidents());
        incidents.addAll(newer.incidents());
        Set<EvidenceScope> removed = new HashSet<>(waiting.removed());
        removed.addAll(newer.removed());
        return new EvaluationResult(newer.at(), newer.findings(), newer.observed(), refreshed,
                waiting.fired() + newer.fired(), incidents, removed);
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
        session.close();
    }
}
