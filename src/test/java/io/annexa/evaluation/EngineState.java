package io.annexa.evaluation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the engine's session holds, read on the evaluation thread through {@link EvaluationEngine#inspect}:
 * for the benchmarks in {@code io.annexa.bench}, which cannot reach into this package.
 *
 * @param liveEvents log events in working memory (not yet expired)
 * @param facts      every fact in working memory: events, evidence, windows, parameters, ...
 * @param firings    rule firings since the session started (a swap that cannot be made in place starts a new one)
 * @param notInserted log events counted but not inserted, as no enabled rule reads their kind
 * @param unmatched   log events inserted and deleted at once, as every pattern reading their kind refused them
 */
public record EngineState(long liveEvents, long facts, long firings, long notInserted, long unmatched) {

    /** Every log event the session was handed: live, counted without insertion, or dropped as no pattern took it. */
    public long applied() {
        return liveEvents + notInserted + unmatched;
    }

    private static final long TIMEOUT_MINUTES = 10;

    /** The state once everything handed over before this call has been applied and fired. */
    public static EngineState settled(EvaluationEngine engine) throws Exception {
        drain(engine);
        return of(engine);
    }

    /** Waits until everything handed over before this call has been applied and fired. */
    public static void drain(EvaluationEngine engine) throws Exception {
        engine.fired().get(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    }

    /** The state once what was handed over before this call has been applied; does not wait for the firing. */
    public static EngineState of(EvaluationEngine engine) throws Exception {
        return engine.inspect(EngineState::of).get(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    }

    /** Completes once everything handed over before this call has been applied: lets a feeder bound its lead. */
    public static CompletableFuture<Void> applied(EvaluationEngine engine) {
        return engine.inspect(session -> null);
    }

    /**
     * Keeps the evaluation thread waiting until the returned hold is closed, once it has begun waiting: everything
     * handed over meanwhile is applied in one batch, in the order handed over, whatever the timing.
     */
    public static Hold hold(EvaluationEngine engine) throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        engine.inspect(session -> {
            waiting.countDown();
            try {
                return release.await(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        if (!waiting.await(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the evaluation thread did not get to the hold");
        }
        return release::countDown;
    }

    /** Lets the evaluation thread go on. */
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    /** The state of a session the caller owns (a replay's, fed on the caller's thread). */
    public static EngineState of(EvaluationSession session) {
        long firings = session.firings().values().stream().mapToLong(Long::longValue).sum();
        return new EngineState(session.liveEvents().size(), session.factCount(), firings, session.eventStats().notInserted(),
                session.eventStats().unmatched());
    }
}
