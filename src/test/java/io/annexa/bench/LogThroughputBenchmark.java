package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.EngineState;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.EvaluationSession;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import io.annexa.evidence.EvidenceSink;
import io.annexa.ingestion.log.LogFeed;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Log lines through the production log path into the whole rule library, one evaluation thread: the OpenSSH
 * corpus replayed over and over through {@link LogFeed} (parse, classify, hand over in batches as
 * {@code logs-follow} does) until {@code events} events were made; at a quarter, half and all of them the
 * evaluation is drained and heap (after full collections), facts and rule firings per event are reported.
 *
 * <p>Each corpus pass is written by one of {@code hosts} hosts in turn. The temporal rules count per (host,
 * source), so this decides how many events one count sees: with many hosts each sees about the corpus's own
 * four hours of attacks; with one, the same attackers come back with every pass.
 *
 * <p>Two timelines, as the service has two:
 * <ul>
 * <li>{@code live} (default): the engine's live session ({@link EvaluationEngine#events}, real-time clock),
 *     every line stamped with the current time, as a followed file or syslog delivers it. Nothing expires
 *     while the benchmark runs (events live two hours). The corpus is this thread's work, the rules the
 *     evaluation thread's; this thread keeps at most about 100,000 events ahead of the engine, as nothing in
 *     between holds it back.</li>
 * <li>{@code replay}: a session with a pseudo clock fed on this one thread, event by event, as the engine
 *     replays a log file dropped in the inbox. Each corpus pass is stamped {@code passSeconds} of log time
 *     after the previous one (default: its own length, so the log has the corpus's rate), and events expire
 *     as the log's time moves on.</li>
 * </ul>
 *
 * <p>Each run is a pair: first the ceiling ({@link BenchLibraries#ceiling}: one rule that reads every event and never
 * matches, so the log path's own cost), then the whole library, on the same timeline in the same JVM; the ratio of
 * their rates says what the rules cost, on any machine. {@code rounds} pairs per timeline; {@code both} runs replay
 * then live.
 *
 * <pre>
 * java -Xmx384m -XX:+UseSerialGC -cp target/test-classes:target/classes:$(cat target/bench.classpath) \
 *     io.annexa.bench.LogThroughputBenchmark [events, default 1000000] [live|replay|both, both] [hosts, 1000] \
 *     [passSeconds, the corpus's span] [rounds, 1]
 * </pre>
 */
public final class LogThroughputBenchmark {

    /** How many events the reader sends between two waits for the live engine; it stays at most two of these ahead. */
    private static final long LEAD = 50_000;

    private LogThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long target = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        String mode = args.length > 1 ? args[1] : "both";
        int hosts = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Measure.quietLogs();
        System.out.println(Measure.jvm());
        RuleLibrary full = BenchLibraries.load(ProjectFiles.rules());
        RuleLibrary ceiling = BenchLibraries.load(BenchLibraries.ceiling(Files.createTempDirectory("annexa-rules-ceiling")));
        SshCorpus corpus = new SshCorpus();
        long passSeconds = args.length > 3 ? Long.parseLong(args[3]) : corpus.spanSeconds() + 1;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        List<String> summary = new ArrayList<>();
        for (String timeline : mode.equals("both") ? List.of("replay", "live") : List.of(mode)) {
            boolean live = timeline.equals("live");
            for (int round = 1; round <= rounds; round++) {
                System.out.printf("%n== %s, round %d: ceiling (one rule reading every event, never matching)%n", timeline, round);
                Result top = run(ceiling, corpus, live, target, hosts, passSeconds);
                System.out.printf("%n== %s, round %d: whole library (%d rules)%n", timeline, round, full.rules().size());
                Result whole = run(full, corpus, live, target, hosts, passSeconds);
                summary.add(String.format("%s round %d: ceiling %,.0f events/s, library %,.0f events/s: %.2fx of the ceiling; "
                                + "heap per live event %s (ceiling %s)", timeline, round, top.eventsPerSecond(),
                        whole.eventsPerSecond(), whole.eventsPerSecond() / top.eventsPerSecond(), whole.perLiveEvent(), top.perLiveEvent()));
            }
        }
        System.out.println();
        summary.forEach(System.out::println);
    }

    /** The rate over the whole run, and the heap (after collections) and live events at its end. */
    private record Result(double eventsPerSecond, double heapMb, double baseHeapMb, long liveEvents) {
        String perLiveEvent() {
            // a replay ends with a handful of live events: heap over so few says nothing
            return liveEvents < 1000 ? "-" : String.format("%,.0f bytes", (heapMb - baseHeapMb) * 1024 * 1024 / liveEvents);
        }
    }

    private static Result run(RuleLibrary library, SshCorpus corpus, boolean live, long target, int hosts, long passSeconds)
            throws Exception {
        if (live) {
            try (EvaluationEngine engine = new EvaluationEngine(library, result -> { }, Measure.daemonThreads())) {
                int keys = BenchLibraries.handOverScenarioEvidence(library, engine);
                System.out.printf("live: engine with %d rules and %d evidence keys; lines stamped now; %d hosts%n",
                        library.rules().size(), keys, hosts);
                return new Run(corpus, hosts, new LiveTimeline(engine), Clock.systemUTC()).until(target);
            }
        }
        try (EvaluationSession session = library.newSession(EvaluationSession.Clock.PSEUDO)) {
            Instant start = Instant.now().minusSeconds(passSeconds * (target / corpus.events().size() + 2));
            if (start.isBefore(Instant.now().minus(Duration.ofDays(300)))) {
                // the lines carry no year: the parser places them within the year before now
                throw new IllegalArgumentException("the replayed log would span more than 300 days; fewer events or a shorter passSeconds");
            }
            System.out.printf("replay: session with %d rules, pseudo clock; one corpus pass per %d s of log time from %s; %d hosts%n",
                    library.rules().size(), passSeconds, start, hosts);
            return new Run(corpus, hosts, new ReplayTimeline(session, start, passSeconds, corpus.spanSeconds()), Clock.systemUTC())
                    .until(target);
        }
    }

    /** One way into the rules: where events go, what time lines get, and how to wait until all are evaluated. */
    private interface Timeline extends EvidenceSink {

        Instant stamp(long pass, long offsetSeconds);

        /** Called after each batch of lines: keeps the reader from running too far ahead. */
        void pace(long eventsSent) throws Exception;

        /** Waits until everything sent is evaluated. */
        void drain() throws Exception;

        /** What the session holds (not timed: counting its events is the benchmark's work, not the service's). */
        EngineState state() throws Exception;

        /** Ends the run as the service would; says what that changed. */
        default String finish() {
            return "";
        }

        @Override
        default void replace(EvidenceKey key, List<Object> facts) {
            throw new UnsupportedOperationException("log lines make events only");
        }

        @Override
        default void withdraw(EvidenceKey key) {
            throw new UnsupportedOperationException("log lines make events only");
        }
    }

    private static final class LiveTimeline implements Timeline {
        private final EvaluationEngine engine;
        private CompletableFuture<Void> marker = CompletableFuture.completedFuture(null);
        private long markedAt;

        LiveTimeline(EvaluationEngine engine) {
            this.engine = engine;
        }

        @Override
        public void events(List<?> events) {
            engine.events(events);
        }

        @Override
        public Instant stamp(long pass, long offsetSeconds) {
            return Instant.now();
        }

        @Override
        public void pace(long eventsSent) throws Exception {
            if (eventsSent - markedAt >= LEAD) {
                // wait until the engine has taken in what was sent a marker ago: at most two markers ahead
                marker.get(10, TimeUnit.MINUTES);
                marker = EngineState.applied(engine);
                markedAt = eventsSent;
            }
        }

        @Override
        public void drain() throws Exception {
            EngineState.drain(engine);
        }

        @Override
        public EngineState state() throws Exception {
            return EngineState.of(engine);
        }
    }

    private static final class ReplayTimeline implements Timeline {
        private final EvaluationSession session;
        private final Instant start;
        private final long passSeconds;
        private final long corpusSeconds;

        ReplayTimeline(EvaluationSession session, Instant start, long passSeconds, long corpusSeconds) {
            this.session = session;
            this.start = start;
            this.passSeconds = passSeconds;
            this.corpusSeconds = corpusSeconds;
        }

        @Override
        public void events(List<?> events) {
            // what the engine's replay does with each event: move the clock to it, insert, fire
            for (Object event : events) {
                LogEvent log = (LogEvent) event;
                session.insertEvent(log, log.getTimestamp());
            }
        }

        @Override
        public Instant stamp(long pass, long offsetSeconds) {
            return start.plusSeconds(pass * passSeconds + offsetSeconds * (passSeconds - 1) / corpusSeconds);
        }

        @Override
        public void pace(long eventsSent) {
            // evaluated as it is handed over
        }

        @Override
        public void drain() {
            // evaluated as it was handed over
        }

        @Override
        public EngineState state() {
            return EngineState.of(session);
        }

        /** As the engine closes a replay: one last firing, which reports the incidents and lets them go. */
        @Override
        public String finish() {
            long facts = session.factCount();
            int incidents = session.fire().incidents().size();
            return String.format("replay closed: %,d incidents reported, facts %,d -> %,d", incidents, facts, session.factCount());
        }
    }

    /** The corpus, pass after pass, through the log path, with a report at each checkpoint. */
    private static final class Run implements EvidenceSink {
        private final SshCorpus corpus;
        private final int hosts;
        private final Timeline timeline;
        private final LogFeed feed;
        private long events;

        Run(SshCorpus corpus, int hosts, Timeline timeline, Clock reference) throws Exception {
            this.corpus = corpus;
            this.hosts = hosts;
            this.timeline = timeline;
            this.feed = new LogFeed(this, reference, ZoneOffset.UTC, Files.createTempDirectory("annexa-bench-dead-letter"));
        }

        @Override
        public void replace(EvidenceKey key, List<Object> facts) {
            timeline.replace(key, facts);
        }

        @Override
        public void withdraw(EvidenceKey key) {
            timeline.withdraw(key);
        }

        @Override
        public void events(List<?> handedOver) {
            events += handedOver.size();
            timeline.events(handedOver);
        }

        Result until(long target) throws Exception {
            double baseHeap = Measure.usedHeapMbAfterGc();
            System.out.printf("heap before: %.1f MB of %.0f MB%n", baseHeap, Measure.maxHeapMb());
            long[] checkpoints = {target / 4, target / 2, target};
            long activeNanos = 0;
            long lastEvents = 0;
            long lastFirings = 0;
            long pass = 0;
            Result result = null;
            List<String> batch = new ArrayList<>(LogFeed.LINES_PER_BATCH);
            for (long checkpoint : checkpoints) {
                long start = System.nanoTime();
                while (events < checkpoint) {
                    String host = SshCorpus.host(pass, hosts);
                    for (int i = 0; i < corpus.size() && events < checkpoint; i++) {
                        batch.add(corpus.line(i, timeline.stamp(pass, corpus.offsetSeconds(i)), host));
                        if (batch.size() == LogFeed.LINES_PER_BATCH || i == corpus.size() - 1) {
                            feed.lines(batch);
                            batch.clear();
                            timeline.pace(events);
                        }
                    }
                    pass++;
                }
                feed.lines(batch);
                batch.clear();
                timeline.drain();
                activeNanos += System.nanoTime() - start;
                EngineState state = timeline.state();
                double heap = Measure.usedHeapMbAfterGc();
                double seconds = activeNanos / 1e9;
                System.out.printf("%,d events (%,d lines) in %.1f s: %,.0f events/s, %,.0f lines/s; heap %.1f MB; "
                                + "%,d live events, %,d not inserted, %,d facts; %.2f firings/event since the last checkpoint%n",
                        events, feed.linesRead(), seconds, events / seconds, feed.linesRead() / seconds, heap,
                        state.liveEvents(), state.notInserted(), state.facts(),
                        (state.firings() - lastFirings) / (double) (events - lastEvents));
                result = new Result(events / seconds, heap, baseHeap, state.liveEvents());
                lastEvents = events;
                lastFirings = state.firings();
            }
            System.out.println(timeline.finish());
            return result;
        }
    }
}
