package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.EngineState;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.LogEvent;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether events are lost while the rule library is swapped: a feeder thread hands the corpus's events
 * (sshd failures, accepted logins, invalid users, ... stamped with the current time, so none expires) to
 * {@link EvaluationEngine#events} at a steady rate, each corpus pass as another host, while the main thread
 * swaps between the real library and a copy with one rule changed. At the end the feeder stops, the engine
 * drains, and the events in the session are counted: every event sent must be there.
 *
 * <p>Also timed per swap: until the new library is in service, and until its first result is published (the
 * new session has counted every live event again). Incidents reported per 1,000 events show what the
 * swaps add to what the events alone raise (run with 0 swaps and a long pause for the latter).
 *
 * <pre>
 * java -Xmx384m -XX:+UseSerialGC -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.SwapUnderLoadBenchmark [swaps, default 20] [ms between swaps, 500] [events/s, 5000]
 * </pre>
 */
public final class SwapUnderLoadBenchmark {

    /** Events per hand-over, as a log source hands them over (LogIntake: up to 1,000). */
    private static final int BATCH = 100;
    /** Each corpus pass comes from another of this many hosts: per (host, source), the corpus's own numbers. */
    private static final int HOSTS = 1000;

    private SwapUnderLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int swaps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long pauseMillis = args.length > 1 ? Long.parseLong(args[1]) : 500;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
        Measure.quietLogs();
        System.out.println(Measure.jvm());
        RuleLibrary real = BenchLibraries.load(ProjectFiles.rules());
        RuleLibrary changed = BenchLibraries.load(BenchLibraries.withOneRuleChanged(Files.createTempDirectory("annexa-rules-changed")));
        List<LogEvent> templates = new SshCorpus().events();
        AtomicLong incidents = new AtomicLong();
        AtomicReference<EvaluationEngine> engineRef = new AtomicReference<>();
        AtomicReference<RuleLibrary> published = new AtomicReference<>();

        // the results consumer runs on the evaluation thread: the library it sees is the one that fired
        try (EvaluationEngine engine = new EvaluationEngine(real, result -> {
            incidents.addAndGet(result.incidents().size());
            published.set(engineRef.get().library());
        }, Measure.daemonThreads())) {
            engineRef.set(engine);
            int keys = BenchLibraries.handOverScenarioEvidence(real, engine);
            EngineState before = EngineState.settled(engine);
            System.out.printf("%d evidence keys, %d facts, %d live events before feeding%n", keys, before.facts(), before.liveEvents());
            long incidentsBefore = incidents.get();

            Feeder feeder = new Feeder(engine, templates, rate);
            Thread feeding = new Thread(feeder, "bench-feeder");
            feeding.setDaemon(true);
            feeding.start();
            List<Double> inService = new ArrayList<>();
            List<Double> firstResult = new ArrayList<>();
            for (int i = 0; i < swaps; i++) {
                Thread.sleep(pauseMillis);
                RuleLibrary next = i % 2 == 0 ? changed : real;
                long start = System.nanoTime();
                engine.swap(next);
                Measure.await("swap " + (i + 1) + " is in service", () -> engine.library() == next, engine);
                inService.add(Measure.millisSince(start));
                Measure.await("swap " + (i + 1) + " has fired", () -> published.get() == next, engine);
                firstResult.add(Measure.millisSince(start));
            }
            Thread.sleep(pauseMillis);
            feeder.stop();
            feeding.join();
            EngineState after = EngineState.settled(engine);

            long sent = feeder.sent.get();
            long reported = incidents.get() - incidentsBefore;
            System.out.printf("%d swaps while feeding for %.1f s; until in service: median %.0f ms, max %.0f ms; "
                            + "until the first result of the new rules: median %.0f ms, max %.0f ms%n",
                    swaps, feeder.seconds(), median(inService), max(inService), median(firstResult), max(firstResult));
            System.out.printf("events sent %d (%.0f/s), in the session %d, lost %d; incidents reported %d (%.1f per 1,000 events); facts %d%n",
                    sent, sent / feeder.seconds(), after.liveEvents(), sent - after.liveEvents(), reported,
                    reported * 1000.0 / sent, after.facts());
            if (engine.library() != (swaps % 2 == 0 ? real : changed)) {
                throw new IllegalStateException("the last library swapped in is not in service");
            }
            if (after.liveEvents() != sent) {
                throw new IllegalStateException((sent - after.liveEvents()) + " events lost");
            }
        }
    }

    private static double median(List<Double> millis) {
        return millis.isEmpty() ? 0 : Measure.median(millis);
    }

    private static double max(List<Double> millis) {
        return millis.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** Hands over batches of fresh events on a schedule of {@code rate} events per second until stopped. */
    private static final class Feeder implements Runnable {
        private final EvaluationEngine engine;
        private final List<LogEvent> templates;
        private final long nanosPerBatch;
        private final AtomicLong sent = new AtomicLong();
        private volatile boolean running = true;
        private long startNanos;
        private long endNanos;

        Feeder(EvaluationEngine engine, List<LogEvent> templates, int rate) {
            this.engine = engine;
            this.templates = templates;
            this.nanosPerBatch = 1_000_000_000L * BATCH / rate;
        }

        @Override
        public void run() {
            startNanos = System.nanoTime();
            long next = startNanos;
            long index = 0;
            while (running) {
                Instant now = Instant.now();
                List<LogEvent> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++, index++) {
                    LogEvent template = templates.get((int) (index % templates.size()));
                    batch.add(SshCorpus.copy(template, now, SshCorpus.host(index / templates.size(), HOSTS)));
                }
                engine.events(batch);
                sent.addAndGet(batch.size());
                next += nanosPerBatch;
                LockSupport.parkNanos(next - System.nanoTime());
            }
            endNanos = System.nanoTime();
        }

        void stop() {
            running = false;
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }
}
