package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.EngineState;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleDeployer;
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
 * <p>A swap is timed twice: until the engine has the new library in service (the rules that changed replaced in the
 * session in service, or a new session built where that cannot be done, and fired over evidence and live events) and
 * until the first result of the new rules is published. Swapping the small library for the large one and back
 * replaces most rules, so it shows what a change in place costs when almost everything changed.
 * The first build of each library runs in a cold JVM, so it is shown apart from the warm median; the first
 * swap round warms the swap up and is not in the medians.
 *
 * <pre>
 * java -Xmx384m -XX:+UseSerialGC -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.RuleLibraryBuildBenchmark [copies, default 10] [warm rounds, 5] [live events, 20000] [new-session]
 * </pre>
 *
 * <p>With {@code new-session} the swaps always take a new session ({@link io.annexa.evaluation.NewSessionSwaps}), as
 * the engine did before it made changes in place.
 *
 * <p>With {@code change} first, it times what an analyst waits for after editing one rule of the large library:
 * (1) the library build after one DRL file changed, once the library has been built before: {@link RuleLibrary#load}
 * (KieBase made) and {@link RuleLibrary#loadForSwap} (what the deployer does: the KieBase is left to the swap), and
 * (2) end to end, a {@link RuleDeployer} polling the folder every {@code poll} ms for an engine holding the large
 * library, evidence and the live events: from writing the file until the engine has the rule's new version in
 * service, and until the new library's first result is published. Each round changes the same rule's finding text
 * to a new one (a file of another size, so the deployer's fingerprint sees it).
 *
 * <pre>
 * java -Xmx384m -XX:+UseSerialGC -cp ... io.annexa.bench.RuleLibraryBuildBenchmark change \
 *     [copies, 10] [rounds, 5] [live events, 20000] [poll ms, 100] [rounds of (3), as rounds; 0: none]
 * </pre>
 *
 * <p>(3) then compares the swap alone in one engine holding the large library, evidence and the live events, until
 * the swap is in service (the new rules have fired over the live events): the change made in place (what the engine
 * does) against a new session that counts every live event again ({@link io.annexa.evaluation.NewSessionSwaps},
 * what the engine did before), alternately.
 */
public final class RuleLibraryBuildBenchmark {

    private RuleLibraryBuildBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("change")) {
            OneRuleChanged.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int liveEvents = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        boolean newSession = args.length > 3 && args[3].equals("new-session");
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

        swaps(small.library, big.library, rounds, liveEvents, newSession);
    }

    /** Swaps back and forth between the two libraries in an engine holding evidence and live events. */
    private static void swaps(RuleLibrary small, RuleLibrary big, int rounds, int liveEvents, boolean newSession) throws Exception {
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
                double[] toBig = swap(engine, big, published, newSession);
                System.out.printf("swap to %d rules: in service after %.0f ms, fired and published after %.0f ms, %d facts%n",
                        big.rules().size(), toBig[0], toBig[1], EngineState.settled(engine).facts());
                double[] toSmall = swap(engine, small, published, newSession);
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
            // counted kinds (count: in rule.yml) are kept in the engine's counting windows, not as live facts: compare
            // with what the session held before, not with the number sent
            if (end.liveEvents() != state.liveEvents()) {
                throw new IllegalStateException("live events before the swaps: " + state.liveEvents() + ", after: " + end.liveEvents());
            }
        }
    }

    /** @return milliseconds until the new library is in service, and until its first result is published */
    private static double[] swap(EvaluationEngine engine, RuleLibrary next, AtomicReference<RuleLibrary> published,
                                 boolean newSession) {
        long start = System.nanoTime();
        if (newSession) {
            io.annexa.evaluation.NewSessionSwaps.swap(engine, next);
        } else {
            engine.swap(next);
        }
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
        // only what the temporal rules keep: the session no longer holds events of kinds no rule reads, nor ones every
        // pattern refuses, so the rest of the corpus would leave far fewer than `count` events live
        List<LogEvent> templates = new SshCorpus().events().stream()
                .filter(e -> !e.getRemote().isEmpty() && (e.getKind().equals("invalid_user")
                        || e.getKind().equals("auth_failure") && e.attribute("reported_by").equals("sshd")))
                .toList();
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

    /** The {@code change} mode: one rule file edited in the large library. */
    private static final class OneRuleChanged {
        private static final String RULE = "sshd_root_login_disabled";
        private static final String FOLDER = "technological/c8_05_secure_authentication/" + RULE;
        private static final String TEXT = "root may log in over SSH: ";

        private final Path drl;
        private final String original;
        private int edits;

        private OneRuleChanged(Path rulesDir) throws Exception {
            this.drl = rulesDir.resolve(FOLDER).resolve(RULE + ".drl");
            this.original = Files.readString(drl);
            if (!original.contains(TEXT)) {
                throw new IllegalStateException(drl + " no longer says '" + TEXT + "'; pick another change");
            }
        }

        static void main(String[] args) throws Exception {
            int copies = args.length > 0 ? Integer.parseInt(args[0]) : 10;
            int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
            int liveEvents = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
            long pollMillis = args.length > 3 ? Long.parseLong(args[3]) : 100;
            int inPlaceRounds = args.length > 4 ? Integer.parseInt(args[4]) : rounds;
            Measure.quietLogs();
            System.out.println(Measure.jvm());
            Path rulesDir = BenchLibraries.multiplied(Files.createTempDirectory("annexa-rules-x" + copies), copies);
            OneRuleChanged change = new OneRuleChanged(rulesDir);
            // the copies have no scenarios to read evidence from; the real rules do. Built first: the last library
            // built is what the compiled-rule cache keeps
            RuleLibrary real = BenchLibraries.load(ProjectFiles.rules());

            long start = System.nanoTime();
            RuleLibrary library = BenchLibraries.load(rulesDir);
            System.out.printf("%d rules: first build %.0f ms%n", library.rules().size(), Measure.millisSince(start));
            List<Double> builds = new ArrayList<>();
            List<Double> forSwap = new ArrayList<>();
            for (int round = -1; round < rounds; round++) {
                change.edit();
                library = null; // the previous build must not stay reachable while the next one is measured
                start = System.nanoTime();
                library = BenchLibraries.load(rulesDir);
                double millis = Measure.millisSince(start);
                change.edit();
                start = System.nanoTime();
                RuleLibrary unbuilt = RuleLibrary.loadForSwap(rulesDir, BenchLibraries.SETTINGS, BenchLibraries.CATALOG);
                double unbuiltMillis = Measure.millisSince(start);
                if (round >= 0) { // the first round warms the rebuild up
                    builds.add((double) Math.round(millis));
                    forSwap.add((double) Math.round(unbuiltMillis));
                }
                if (unbuilt.rules().size() != library.rules().size()) {
                    throw new IllegalStateException("the two builds differ");
                }
            }
            System.out.printf("build after one rule changed, %d rules: %s, median %.0f ms; for a swap (no KieBase): %s, median %.0f ms;"
                    + " heap after GC %.0f MB of %.0f MB%n", library.rules().size(), builds, Measure.median(builds), forSwap,
                    Measure.median(forSwap), Measure.usedHeapMbAfterGc(), Measure.maxHeapMb());

            endToEnd(rulesDir, library, real, change, rounds, liveEvents, pollMillis);
            if (inPlaceRounds > 0) {
                swapsAlone(rulesDir, library, real, change, inPlaceRounds, liveEvents);
            }
        }

        /**
         * (3) The swap alone, one rule changed, in one engine: in place (what the engine does) against a new session
         * ({@link io.annexa.evaluation.NewSessionSwaps}, what it did before), alternately, each until in service.
         */
        private static void swapsAlone(Path rulesDir, RuleLibrary library, RuleLibrary real, OneRuleChanged change, int rounds,
                                       int liveEvents) throws Exception {
            List<Double> newSession = new ArrayList<>();
            List<Double> inPlace = new ArrayList<>();
            try (EvaluationEngine engine = new EvaluationEngine(library, result -> { }, Measure.daemonThreads())) {
                BenchLibraries.handOverScenarioEvidence(real, engine);
                engine.events(liveEvents(liveEvents));
                long held = EngineState.settled(engine).liveEvents();
                for (int round = -1; round < rounds; round++) {
                    change.edit();
                    RuleLibrary viaNewSession = RuleLibrary.loadForSwap(rulesDir, BenchLibraries.SETTINGS, BenchLibraries.CATALOG);
                    long start = System.nanoTime();
                    io.annexa.evaluation.NewSessionSwaps.swap(engine, viaNewSession).get();
                    double newMillis = Measure.millisSince(start);
                    long liveAfterNew = EngineState.settled(engine).liveEvents();
                    change.edit();
                    RuleLibrary viaInPlace = RuleLibrary.loadForSwap(rulesDir, BenchLibraries.SETTINGS, BenchLibraries.CATALOG);
                    start = System.nanoTime();
                    engine.swap(viaInPlace).get();
                    double inPlaceMillis = Measure.millisSince(start);
                    long liveAfterInPlace = EngineState.settled(engine).liveEvents();
                    System.out.printf("swap alone, one rule changed: new session %.0f ms (%d live events after), in place %.1f ms (%d)%n",
                            newMillis, liveAfterNew, inPlaceMillis, liveAfterInPlace);
                    if (liveAfterNew != held || liveAfterInPlace != held) {
                        throw new IllegalStateException("live events before the swaps: " + held + ", after: "
                                + liveAfterNew + " / " + liveAfterInPlace);
                    }
                    if (round >= 0) {
                        newSession.add((double) Math.round(newMillis));
                        inPlace.add(Math.round(inPlaceMillis * 10) / 10.0);
                    }
                }
            }
            System.out.printf("swap alone, one rule changed, %d live events, until in service: new session %s, median %.0f ms;"
                    + " in place %s, median %.1f ms; heap after GC %.0f MB%n", liveEvents, newSession, Measure.median(newSession),
                    inPlace, Measure.median(inPlace), Measure.usedHeapMbAfterGc());
        }

        /** Writes the rule with a finding text it has not had before. */
        void edit() throws Exception {
            edits++;
            Files.writeString(drl, original.replace(TEXT, "root may log in over SSH (edit " + edits + "): "));
        }

        private static void endToEnd(Path rulesDir, RuleLibrary library, RuleLibrary real, OneRuleChanged change, int rounds,
                                     int liveEvents, long pollMillis) throws Exception {
            AtomicReference<EvaluationEngine> engineRef = new AtomicReference<>();
            AtomicReference<RuleLibrary> published = new AtomicReference<>();
            try (EvaluationEngine engine = new EvaluationEngine(library, result -> published.set(engineRef.get().library()),
                    Measure.daemonThreads());
                 RuleDeployer deployer = new RuleDeployer(rulesDir, BenchLibraries.SETTINGS, BenchLibraries.CATALOG, engine,
                         Measure.daemonThreads(), pollMillis)) {
                engineRef.set(engine);
                int keys = BenchLibraries.handOverScenarioEvidence(real, engine);
                engine.events(liveEvents(liveEvents));
                EngineState state = EngineState.settled(engine);
                System.out.printf("engine holds %d rules, %d evidence keys, %d live events, %d facts; deployer polls every %d ms%n",
                        library.rules().size(), keys, state.liveEvents(), state.facts(), pollMillis);
                List<Double> inService = new ArrayList<>();
                List<Double> fired = new ArrayList<>();
                for (int round = -1; round < rounds; round++) {
                    String before = engine.library().version(RULE);
                    long start = System.nanoTime();
                    change.edit();
                    Measure.await("the changed rule is in service", () -> !engine.library().version(RULE).equals(before), engine);
                    double served = Measure.millisSince(start);
                    RuleLibrary next = engine.library();
                    Measure.await("the new library has fired", () -> published.get() == next, engine);
                    double firedAfter = Measure.millisSince(start);
                    System.out.printf("edit -> in service %.0f ms, first result %.0f ms%n", served, firedAfter);
                    if (round >= 0) { // the first round warms the deployment up
                        inService.add((double) Math.round(served));
                        fired.add((double) Math.round(firedAfter));
                    }
                    if (!deployer.lastDeployment().deployed()) {
                        throw new IllegalStateException("not deployed: " + deployer.lastDeployment().problems());
                    }
                }
                System.out.printf("end to end, one rule changed in %d rules, %d live events: in service %s, median %.0f ms; "
                                + "first result %s, median %.0f ms; heap after GC, engine in service: %.0f MB%n",
                        library.rules().size(), liveEvents, inService, Measure.median(inService), fired, Measure.median(fired),
                        Measure.usedHeapMbAfterGc());
                EngineState end = EngineState.settled(engine);
                if (end.liveEvents() != state.liveEvents()) {
                    throw new IllegalStateException("live events before the changes: " + state.liveEvents() + ", after: " + end.liveEvents());
                }
            }
        }
    }
}
