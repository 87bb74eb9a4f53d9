package io.annexa.evaluation;

import java.time.Duration;

/**
 * A wall-clock limit for rule code running on the current thread. The sandbox makes every loop and every method
 * of rule code call {@link #check()} ({@link LoopCheckpoints}), so a consequence that loops without firing
 * ({@code while (true) {}}) is stopped at its next iteration once the deadline has passed; the firing limit of
 * {@link EvaluationSession} cannot see such a loop. Threads without a deadline (the service's evaluation thread)
 * pay one thread-local read per iteration.
 */
public final class RuleDeadline {

    /** Thrown into rule code: an Error, so that rule code's {@code catch (Exception e)} cannot swallow it. */
    public static final class Exceeded extends Error {
        Exceeded(String message) {
            super(message, null, false, false);
        }
    }

    private static final ThreadLocal<long[]> DEADLINE = new ThreadLocal<>();

    private RuleDeadline() {
    }

    /** Called by instrumented rule code at each backward jump and method entry. */
    public static void check() {
        long[] deadline = DEADLINE.get();
        if (deadline != null && System.nanoTime() - deadline[0] > 0) {
            throw new Exceeded("rule code ran longer than " + Duration.ofNanos(deadline[1]).toMillis() + " ms");
        }
    }

    /** Runs {@code work} on this thread with rule code limited to {@code limit} of wall-clock time. */
    static <T> T within(Duration limit, java.util.function.Supplier<T> work) {
        DEADLINE.set(new long[] {System.nanoTime() + limit.toNanos(), limit.toNanos()});
        try {
            return work.get();
        } finally {
            DEADLINE.remove();
        }
    }
}
