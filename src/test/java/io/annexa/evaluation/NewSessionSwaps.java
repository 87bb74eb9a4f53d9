package io.annexa.evaluation;

import java.util.concurrent.CompletableFuture;

/**
 * Swaps that always take a new session, as the engine did before it changed the session in service in place: for
 * the benchmarks in {@code io.annexa.bench}, which cannot reach into this package, to measure what a change in
 * place saves.
 */
public final class NewSessionSwaps {

    private NewSessionSwaps() {
    }

    /** {@link EvaluationEngine#swap}, but with a new session even where the change could be made in place. */
    public static CompletableFuture<RuleLibrary> swap(EvaluationEngine engine, RuleLibrary next) {
        return engine.swapToNewSession(next);
    }
}
