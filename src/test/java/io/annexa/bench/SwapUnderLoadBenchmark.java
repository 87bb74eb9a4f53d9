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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether events are lost while the rule library is swapped: a feeder thread hands the corpus's events
 * (sshd failures, accepted logins, invalid users, ... stamped with the current time, so none expires) to
 * {@link EvaluationEngine#events} at a steady rate, each corpus pass as another host, while the main thread
 * swaps between the real library and a copy with one rule changed. At the end the feeder stops, the engine
 * drains, and the events the session was handed are counted: every event sent must be there (live, or counted as of a
 * kind no rule reads or as refused by every pattern).
 *
 * <p>Also timed per swap: until the new library is in service, and until its first result is published (the
 * changed rule has counted the live events again). Incidents reported per 1,000 events show what the
 * swaps add to what the events alone raise (run with 0 swaps and a long pause for the latter).
 *
 * <p>Then the burst check: the same hand-overs of events are fed twice, each applied in a cycle of its own, once
 * without swaps and once with a swap after every few hand-overs, alternately queued between two hand-overs and in
 * the same batch as them (the engine held while a hand-over, the swap and the next hand-over are queued). The
 * changed rule raises no incidents, so every incident must be reported as often with swaps as without: none lost
 * to a swap, none reported twice.
 *
 * <pre>
 * java -Xmx384m -XX:+UseSerialGC -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.SwapUnderLoadBenchmark [swaps, default 20] [ms between swaps, 500] [events/s, 5000] \
 *     [burst check hosts, 20] [hand-overs between swaps, 10]
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
        int checkHosts = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int swapEvery = args.length > 4 ? Integer.parseInt(args[4]) : 10;
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
            // since events expire per kind, an event is in the session, counted as of a kind no rule reads, or counted as
            // refused by every pattern: all of them were applied
            System.out.printf("events sent %d (%.0f/s), applied %d (%d live, %d of kinds no rule reads, %d refused by every"
                            + " pattern), lost %d; incidents reported %d (%.1f per 1,000 events); facts %d%n",
                    sent, sent / feeder.seconds(), after.applied(), after.liveEvents(), after.notInserted(), after.unmatched(),
                    sent - after.applied(), reported, reported * 1000.0 / sent, after.facts());
            if (engine.library() != (swaps % 2 == 0 ? real : changed)) {
                throw new IllegalStateException("the last library swapped in is not in service");
            }
            if (after.applied() != sent) {
                throw new IllegalStateException((sent - after.applied()) + " events lost");
            }
        }
        checkBursts(real, changed, templates, checkHosts, swapEvery);
    }

    /** Feeds the same events without and with swaps and compares the incidents reported; throws when they differ. */
    private static void checkBursts(RuleLibrary real, RuleLibrary changed, List<LogEvent> templates, int hosts, int swapEvery)
            throws Exception {
        long start = System.nanoTime();
        Run without = feed(real, List.of(), templates, hosts, 0);
        Run with = feed(real, List.of(changed, real), templates, hosts, swapEvery);
        Map<String, Long> expected = counted(without.incidents());
        Map<String, Long> seen = counted(with.incidents());
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        Set<String> all = new TreeSet<>(expected.keySet());
        all.addAll(seen.keySet());
        for (String incident : all) {
            long difference = seen.getOrDefault(incident, 0L) - expected.getOrDefault(incident, 0L);
            for (long i = 0; i < Math.abs(difference); i++) {
                (difference < 0 ? missing : extra).add(incident);
            }
        }
        System.out.printf("burst check: %d events in %d hand-overs of %d (%d hosts); without swaps %d incidents; with %d swaps "
                        + "(%d in the same batch as events) %d incidents; missing %d, reported twice %d; %.1f s%n",
                without.events(), without.handOvers(), BATCH, hosts, without.incidents().size(), with.swaps(), with.sameBatch(),
                with.incidents().size(), missing.size(), extra.size(), Measure.millisSince(start) / 1000);
        Map<String, Long> byRule = new TreeMap<>();
        without.incidents().forEach(i -> byRule.merge(i.substring(0, i.indexOf('@')), 1L, Long::sum));
        System.out.println("incidents by rule without swaps: " + byRule);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            missing.stream().limit(5).forEach(i -> System.out.println("missing: " + i));
            extra.stream().limit(5).forEach(i -> System.out.println("reported twice: " + i));
            throw new IllegalStateException("swaps changed the incidents reported: " + missing.size() + " missing, "
                    + extra.size() + " reported twice");
        }
    }

    private record Run(List<String> incidents, long events, int handOvers, int swaps, int sameBatch) {
    }

    /**
     * Feeds every corpus event once per host, stamped a millisecond apart from four minutes ago, one hand-over per
     * cycle; with {@code swapEvery > 0} swaps to {@code libraries} in turn after every {@code swapEvery} hand-overs.
     *
     * @return the incidents reported, as rule@asset: evidence with each time written as its offset from the first event
     */
    private static Run feed(RuleLibrary first, List<RuleLibrary> libraries, List<LogEvent> templates, int hosts, int swapEvery)
            throws Exception {
        Instant base = Instant.now().minusSeconds(240);
        List<List<LogEvent>> handOvers = new ArrayList<>();
        List<LogEvent> batch = new ArrayList<>(BATCH);
        long events = 0;
        for (int host = 0; host < hosts; host++) {
            for (LogEvent template : templates) {
                batch.add(SshCorpus.copy(template, base.plusMillis(events++), SshCorpus.host(host, hosts)));
                if (batch.size() == BATCH) {
                    handOvers.add(batch);
                    batch = new ArrayList<>(BATCH);
                }
            }
        }
        if (!batch.isEmpty()) {
            handOvers.add(batch);
        }
        List<String> incidents = new CopyOnWriteArrayList<>();
        int swaps = 0;
        int sameBatch = 0;
        try (EvaluationEngine engine = new EvaluationEngine(first, result -> result.incidents().forEach(i -> incidents.add(
                i.getRuleId() + "@" + i.getAsset() + ": " + relative(i.getEvidence(), base))), Measure.daemonThreads())) {
            for (int i = 0; i < handOvers.size(); i++) {
                boolean swapNow = swapEvery > 0 && i % swapEvery == swapEvery - 1 && i + 1 < handOvers.size();
                if (!swapNow) {
                    engine.events(handOvers.get(i));
                    EngineState.applied(engine).get(10, TimeUnit.MINUTES);
                    continue;
                }
                RuleLibrary next = libraries.get(swaps++ % libraries.size());
                CompletableFuture<RuleLibrary> swapped;
                if (swaps % 2 == 1) {
                    // one batch: this hand-over, the swap, the next hand-over (which may continue a burst)
                    try (EngineState.Hold hold = EngineState.hold(engine)) {
                        engine.events(handOvers.get(i));
                        swapped = engine.swap(next);
                        engine.events(handOvers.get(++i));
                    }
                    sameBatch++;
                } else {
                    engine.events(handOvers.get(i));
                    EngineState.applied(engine).get(10, TimeUnit.MINUTES);
                    swapped = engine.swap(next);
                }
                swapped.get(10, TimeUnit.MINUTES);
            }
            EngineState.drain(engine);
        }
        return new Run(List.copyOf(incidents), events, handOvers.size(), swaps, sameBatch);
    }

    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");

    /** The evidence with every time in it written as milliseconds after {@code base}: two runs compare equal. */
    private static String relative(String evidence, Instant base) {
        return INSTANT.matcher(evidence).replaceAll(m -> "+" + (Instant.parse(m.group()).toEpochMilli() - base.toEpochMilli()) + "ms");
    }

    private static Map<String, Long> counted(List<String> incidents) {
        Map<String, Long> counts = new TreeMap<>();
        incidents.forEach(i -> counts.merge(i, 1L, Long::sum));
        return counts;
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
