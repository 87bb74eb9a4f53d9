package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.EngineState;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evaluation.RuleLibraryException;
import io.annexa.evidence.LogEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How long a rule change takes to reach service: building the library ({@link RuleLibrary#load}: read, check,
 * compile) for the real library and for a synthetic one of {@code copies} times as many rules
 * ({@link BenchLibraries#multiplied}), then swapping it into a running engine that holds evidence and live
 * events ({@link EvaluationEngine#swap}).
 *
 * <p>A swap is timed twice: until the engine has the new library in service (new session built, evidence and
 * live events inserted into it) and until the first result of the new rules is published. Drools evaluates
 * lazily, so the second is the one that counts: the new rules do their work (count every live event into
 * their windows again, judge every piece of evidence) in that first firing, while inputs wait.
 * The first build of each library runs in a cold JVM, so it is shown apart from the warm median; the first
 * swap round warms the swap up and is not in the medians.
 *
 * <pre>
 * java -Xmx384m -XX:+UseSerialGC -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.RuleLibraryBuildBenchmark [copies, default 10] [warm rounds, 5] [live events, 20000]
 * </pre>
 */
public final class RuleLibraryBuildBenchmark {

    private RuleLibraryBuildBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int liveEvents = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        Measure.quietLogs();
        Path real = ProjectFiles.rules();
        Path large = BenchLibraries.multiplied(Files.createTempDirectory("annexa-rules-x" + copies), copies);
        System.out.println(Measure.jvm());

        Build small = new Build(real);
        Build big = new Build(large);
        small.time();
        big.time();
        System.out.printf("cold: %d rules %.0f ms, %d rules %.0f ms%n", small.rules, small.cold(), big.rules, big.cold());
        for (int round = 0; round < rounds; round++) {
            small.time();
            big.time();
        }
        System.out.printf("build %d rules: warm %s, median %.0f ms%n", small.rules, small.warm(), Measure.median(small.warm()));
        System.out.printf("build %d rules: warm %s, median %.0f ms%n", big.rules, big.warm(), Measure.median(big.warm()));

        swaps(small.library, big.library, rounds, liveEvents);
    }

    /** Swaps back and forth between the two libraries in an engine holding evidence and live events. */
    private static void swaps(RuleLibrary small, RuleLibrary big, int rounds, int liveEvents) throws Exception {
        AtomicReference<EvaluationEngine> engineRef = new AtomicReference<>();
        AtomicReference<RuleLibrary> published = new AtomicReference<>();
        // called on the evaluation thread after each cycle; the library it sees is the one that fired
        try (EvaluationEngine engine = new EvaluationEngine(small, result -> published.set(engineRef.get().library()),
                Measure.daemonThreads())) {
            engineRef.set(engine);
            int keys = BenchLibraries.handOverScenarioEvidence(small, engine);
            engine.events(liveEvents(liveEvents));
            EngineState state = EngineState.settled(engine);
            System.out.printf("engine holds %d evidence keys, %d live events, %d facts%n", keys, state.liveEvents(), state.facts());

            List<Double> toBigInService = new ArrayList<>();
            List<Double> toBigFired = new ArrayList<>();
            List<Double> toSmallInService = new ArrayList<>();
            List<Double> toSmallFired = new ArrayList<>();
            for (int round = -1; round < rounds; round++) {
                double[] toBig = swap(engine, big, published);
                System.out.printf("swap to %d rules: in service after %.0f ms, fired and published after %.0f ms, %d facts%n",
                        big.rules().size(), toBig[0], toBig[1], EngineState.settled(engine).facts());
                double[] toSmall = swap(engine, small, published);
                System.out.printf("swap to %d rules: in service after %.0f ms, fired and published after %.0f ms%n",
                        small.rules().size(), toSmall[0], toSmall[1]);
                if (round >= 0) { // the first round warms the swap path up
                    toBigInService.add(toBig[0]);
                    toBigFired.add(toBig[1]);
                    toSmallInService.add(toSmall[0]);
                    toSmallFired.add(toSmall[1]);
                }
            }
            System.out.printf("swap to %d rules: median in service %.0f ms, fired %.0f ms; to %d rules: %.0f ms, %.0f ms%n",
                    big.rules().size(), Measure.median(toBigInService), Measure.median(toBigFired),
                    small.rules().size(), Measure.median(toSmallInService), Measure.median(toSmallFired));
            EngineState end = EngineState.settled(engine);
            if (end.liveEvents() != liveEvents) {
                throw new IllegalStateException("live events before the swaps: " + liveEvents + ", after: " + end.liveEvents());
            }
        }
    }

    /** @return milliseconds until the new library is in service, and until its first result is published */
    private static double[] swap(EvaluationEngine engine, RuleLibrary next, AtomicReference<RuleLibrary> published) {
        long start = System.nanoTime();
        engine.swap(next);
        Measure.await("the swap is in service", () -> engine.library() == next, engine);
        double inService = Measure.millisSince(start);
        Measure.await("the swap has fired", () -> published.get() == next, engine);
        return new double[] {inService, Measure.millisSince(start)};
    }

    /**
     * The corpus's events, each pass as another host, stamped now: none expires while the benchmark runs, and
     * each (host, source) holds the corpus's own number of events.
     */
    private static List<LogEvent> liveEvents(int count) throws Exception {
        List<LogEvent> templates = new SshCorpus().events();
        Instant now = Instant.now();
        List<LogEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(SshCorpus.copy(templates.get(i % templates.size()), now, SshCorpus.host(i / templates.size(), count)));
        }
        return events;
    }

    /** Repeated builds of one library. */
    private static final class Build {
        private final Path rulesDir;
        private final List<Double> millis = new ArrayList<>();
        private RuleLibrary library;
        private int rules;

        Build(Path rulesDir) {
            this.rulesDir = rulesDir;
        }

        void time() throws RuleLibraryException {
            library = null; // the previous build must not stay reachable while the next one is measured
            long start = System.nanoTime();
            library = BenchLibraries.load(rulesDir);
            millis.add(Measure.millisSince(start));
            rules = library.rules().size();
        }

        double cold() {
            return millis.get(0);
        }

        List<Double> warm() {
            return millis.subList(1, millis.size()).stream().map(m -> (double) Math.round(m)).toList();
        }
    }
}
