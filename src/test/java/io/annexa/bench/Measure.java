package io.annexa.bench;

import io.annexa.evaluation.EvaluationEngine;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the rule benchmarks share: medians, heap after collection, waiting on the engine, its thread, quiet logs. */
final class Measure {

    /** Held, or the logger and its level could be collected before the benchmark logs anything. */
    private static final Logger ANNEXA = Logger.getLogger("io.annexa");

    private Measure() {
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** Nearest-rank percentile: the smallest value that at least {@code percent} % of the values do not exceed. */
    static double percentile(List<Double> values, double percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percent / 100 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** Heap in use once what can be collected has been: a few full collections, since one may leave garbage. */
    static double usedHeapMbAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    }

    static double maxHeapMb() {
        return Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0);
    }

    /**
     * Waits until {@code done}; fails when the engine's thread has died (an OutOfMemoryError ends it) or after
     * ten minutes, instead of waiting forever.
     */
    static void await(String what, BooleanSupplier done, EvaluationEngine engine) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!done.getAsBoolean()) {
            if (!engine.isRunning()) {
                throw new IllegalStateException("the evaluation thread stopped while waiting until " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done after ten minutes: " + what);
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /** Daemon threads: a benchmark that fails must not hang on the engine's thread. */
    static ThreadFactory daemonThreads() {
        return runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The engine logs every swap and replay at INFO; hundreds of those would bury the measurements. */
    static void quietLogs() {
        ANNEXA.setLevel(Level.WARNING);
    }

    static String jvm() {
        return String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()) + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
    }
}
