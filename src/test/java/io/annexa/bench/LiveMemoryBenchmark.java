package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.EngineState;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.EventStats;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.RuleParameter;
import io.annexa.ingestion.log.LogFeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Steady state of the live session: log lines at a fixed rate through the log path (parse, classify, hand over as
 * {@code logs-follow} does, lines stamped now) into the live engine with the whole library, for a fixed time. Every
 * {@code sampleSeconds} it reports the live events and the heap after full collections, and what that makes per live
 * event; at the end, whether the heap still grew once the longest retention had passed.
 *
 * <p>The rules' windows are scaled down through a settings file (like {@code config/rules.yml}) so that events start
 * expiring within the run: every duration parameter of a rule reading events set to {@code window}, and the retention
 * of rules without one ({@code annexa.evaluation.events.default-retention}) set to {@code defaultRetention}. Bytes
 * per live event do not depend on the window; how many events are live does (rate × share of kept events × window).
 *
 * <pre>
 * java -Xmx384m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
 *     -cp target/test-classes:target/classes:$(cat target/bench.classpath) io.annexa.bench.LiveMemoryBenchmark \
 *     [seconds, 600] [events/s, 2000] [window, 1m] [defaultRetention, 2m] [hosts, 1000] [sampleSeconds, 30]
 * </pre>
 */
public final class LiveMemoryBenchmark {

    private LiveMemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 600;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        String window = args.length > 2 ? args[2] : "1m";
        Duration defaultRetention = RuleParameter.parseDuration(args.length > 3 ? args[3] : "2m");
        int hosts = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        long sampleSeconds = args.length > 5 ? Long.parseLong(args[5]) : 30;
        Measure.quietLogs();
        System.out.println(Measure.jvm());

        RuleLibrary real = BenchLibraries.load(ProjectFiles.rules());
        Path settings = BenchLibraries.withWindows(real, window, Files.createTempDirectory("annexa-bench-config"));
        RuleLibrary library = BenchLibraries.load(ProjectFiles.rules(), settings);
        EventRetention retention = new EventRetention(defaultRetention, EventRetention.DEFAULT.max());
        SshCorpus corpus = new SshCorpus();
        try (EvaluationEngine engine = new EvaluationEngine(library, result -> { }, Measure.daemonThreads(), retention)) {
            int keys = BenchLibraries.handOverScenarioEvidence(library, engine);
            EngineState.drain(engine);
            double baseHeap = Measure.usedHeapMbAfterGc();
            System.out.printf("%d rules, %d evidence keys; rule windows %s, default retention %s; %,d events/s for %d s; "
                            + "%d hosts; heap before events %.1f MB of %.0f MB%n", library.rules().size(), keys, window,
                    defaultRetention, rate, seconds, hosts, baseHeap, Measure.maxHeapMb());
            library.eventInterest().kindsByRule().forEach((rule, kinds) -> System.out.printf("  %s reads %s%n", rule, kinds));

            Feeder feeder = new Feeder(engine, corpus, hosts);
            long start = System.nanoTime();
            long longest = library.eventInterest().namedKinds().stream()
                    .mapToLong(kind -> library.eventInterest().retentionMillis(kind, retention)).max().orElse(0);
            List<double[]> plateau = new ArrayList<>();
            long nextSample = sampleSeconds;
            long sent = 0;
            long maxLagMillis = 0;
            CompletableFuture<Void> marker = CompletableFuture.completedFuture(null);
            long markerSentAt = System.nanoTime();
            for (long tick = 1; tick <= seconds * 10; tick++) {
                long due = start + tick * 100_000_000L;
                // a tenth of a second's lines, then wait for the next tenth: the rate a busy sender keeps
                long target = rate * tick / 10;
                feeder.send(target - sent);
                sent = target;
                if (marker.isDone()) {
                    maxLagMillis = Math.max(maxLagMillis, (System.nanoTime() - markerSentAt) / 1_000_000);
                    marker = EngineState.applied(engine);
                    markerSentAt = System.nanoTime();
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (tick % 10 == 0 && tick / 10 == nextSample) {
                    nextSample += sampleSeconds;
                    double heap = Measure.usedHeapMbAfterGc();
                    EventStats stats = engine.eventStats();
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    System.out.printf("%5.0f s: %,d events sent; %,d live, %,d not inserted, %,d unmatched; heap after GC "
                                    + "%.1f MB: %s per live event; engine lag up to %,d ms%n", elapsed, feeder.events, stats.live(),
                            stats.notInserted(), stats.unmatched(), heap, perEvent(heap - baseHeap, stats.live()), maxLagMillis);
                    maxLagMillis = 0;
                    if (elapsed * 1000 > longest + 60_000) {
                        plateau.add(new double[] {elapsed, heap, stats.live()});
                    }
                }
            }
            EngineState.drain(engine);
            if (plateau.size() >= 4) {
                // halves compared by their medians: one sample can catch a batch in flight
                int half = plateau.size() / 2;
                double early = Measure.median(plateau.subList(0, half).stream().map(p -> p[1]).toList());
                double late = Measure.median(plateau.subList(half, plateau.size()).stream().map(p -> p[1]).toList());
                double minutes = (plateau.get(plateau.size() - 1)[0] - plateau.get(0)[0]) / 60 / 2;
                System.out.printf("after the longest retention (%s) plus a minute, %d samples: median heap after GC %.1f MB "
                                + "in the first half, %.1f MB in the second (%+.2f MB/min); live events %,.0f -> %,.0f; "
                                + "median %s per live event%n", Duration.ofMillis(longest), plateau.size(), early, late,
                        (late - early) / minutes, plateau.get(0)[2], plateau.get(plateau.size() - 1)[2],
                        perEvent(Measure.median(plateau.stream().map(p -> p[1] - baseHeap).toList()),
                                (long) Measure.median(plateau.stream().map(p -> p[2]).toList())));
            } else {
                System.out.println("too short to see a plateau: run longer than the longest retention (" + Duration.ofMillis(longest) + ") plus four samples");
            }
        }
    }

    private static String perEvent(double heapMb, long live) {
        return live == 0 ? "-" : String.format("%,.0f bytes", heapMb * 1024 * 1024 / live);
    }

    /** The corpus, line after line, each pass as another host, through the log path into the engine. */
    private static final class Feeder implements EvidenceSink {
        private final EvaluationEngine engine;
        private final SshCorpus corpus;
        private final int hosts;
        private final LogFeed feed;
        private final List<String> batch = new ArrayList<>();
        private int line;
        private long pass;
        private long events;

        Feeder(EvaluationEngine engine, SshCorpus corpus, int hosts) throws Exception {
            this.engine = engine;
            this.corpus = corpus;
            this.hosts = hosts;
            this.feed = new LogFeed(this, Clock.systemUTC(), ZoneOffset.UTC, Files.createTempDirectory("annexa-bench-dead-letter"));
        }

        /** Sends about {@code count} lines: most lines make one event. */
        void send(long count) {
            Instant now = Instant.now();
            String host = SshCorpus.host(pass, hosts);
            for (long i = 0; i < count; i++) {
                batch.add(corpus.line(line, now, host));
                if (++line == corpus.size()) {
                    line = 0;
                    pass++;
                    host = SshCorpus.host(pass, hosts);
                }
            }
            feed.lines(batch);
            batch.clear();
        }

        @Override
        public void events(List<?> handedOver) {
            events += handedOver.size();
            engine.events(handedOver);
        }

        @Override
        public void replace(EvidenceKey key, List<Object> facts) {
            throw new UnsupportedOperationException("log lines make events only");
        }

        @Override
        public void withdraw(EvidenceKey key) {
            throw new UnsupportedOperationException("log lines make events only");
        }
    }
}
