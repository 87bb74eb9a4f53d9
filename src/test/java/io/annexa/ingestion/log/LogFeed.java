package io.annexa.ingestion.log;

import io.annexa.ingestion.DeadLetters;
import io.annexa.evidence.EvidenceSink;
import io.annexa.ingestion.SourceMonitor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;

/**
 * The log path of the {@code logs-follow} route without the file and the timer, for benchmarks outside this
 * package: each batch of lines goes through the same {@link SyslogLineParser}, {@link LogIntake} (classification,
 * hand-over in batches of {@value LogIntake#EVENTS_PER_HAND_OVER} events) and sink as one poll of a followed file.
 */
public final class LogFeed {

    /** How many lines {@code logs-follow} reads per poll and intake. */
    public static final int LINES_PER_BATCH = LogFollowIngest.LINES_PER_BATCH;
    private static final String ROUTE = "bench-logs";
    private static final Path FILE = Path.of("bench.log");

    private final LogPipeline pipeline;
    private final SyslogLineParser parser;
    private final SourceMonitor monitor = new SourceMonitor();
    private long number;

    /**
     * @param reference   when the lines are read, for the year of their timestamps
     * @param deadLetters where lines that cannot be read would go (the corpus has none)
     */
    public LogFeed(EvidenceSink sink, Clock reference, ZoneId zone, Path deadLetters) {
        this.pipeline = new LogPipeline(sink, monitor, new DeadLetters(deadLetters, monitor), zone);
        this.parser = new SyslogLineParser(reference, zone);
    }

    /** One poll's worth of lines: parsed, classified and handed to the sink, as {@code logs-follow} does. */
    public void lines(List<String> lines) {
        LogIntake intake = pipeline.intake(ROUTE, FILE.toString());
        for (String text : lines) {
            intake.line(parser, new LogLine(FILE, ++number, text), "bench");
        }
        intake.flush();
    }

    public long linesRead() {
        return monitor.counters(ROUTE).itemsRead();
    }
}
