package io.annexa.ingestion.log;

import io.annexa.evidence.LogEvent;
import io.annexa.ingestion.DeadLetters;
import io.annexa.ingestion.EvidenceSink;
import io.annexa.ingestion.InvalidInputException;
import io.annexa.ingestion.SourceMonitor;
import java.util.ArrayList;
import java.util.List;

/**
 * One read of log lines on their way to the engine: records are classified and their events handed to the
 * sink in batches. A line that cannot be used is dead-lettered on its own and the read goes on, because one
 * bad line among thousands must not hold back the others. Lines read and unclassified are counted for the
 * route at each {@link #flush}, after the events went out. One per read, on one thread.
 */
final class LogIntake {

    static final int EVENTS_PER_HAND_OVER = 1000;

    private final LogClassifier classifier;
    private final java.util.function.Consumer<List<?>> sink;
    private final SourceMonitor monitor;
    private final DeadLetters deadLetters;
    private final String routeId;
    private final List<LogEvent> events = new ArrayList<>();
    private int lines;
    private int unclassified;

    LogIntake(LogClassifier classifier, EvidenceSink sink, SourceMonitor monitor, DeadLetters deadLetters, String routeId) {
        this(classifier, sink::events, monitor, deadLetters, routeId);
    }

    /** @param sink where the events go: the live stream, or a replay */
    LogIntake(LogClassifier classifier, java.util.function.Consumer<List<?>> sink, SourceMonitor monitor,
              DeadLetters deadLetters, String routeId) {
        this.classifier = classifier;
        this.sink = sink;
        this.monitor = monitor;
        this.deadLetters = deadLetters;
        this.routeId = routeId;
    }

    /** A line of a log file: its own host is the asset, else {@code fallbackAsset}. */
    void line(SyslogLineParser parser, LogLine line, String fallbackAsset) {
        SyslogRecord record;
        try {
            record = parser.parse(line.text(), line.file().toString(), (int) Math.min(Integer.MAX_VALUE, line.number()));
        } catch (InvalidInputException e) {
            reject(line.file().getFileName() + ":" + line.number(), line.text(), e.getMessage());
            return;
        }
        record(record, fallbackAsset, line.file().getFileName() + ":" + line.number(), line.place());
    }

    /**
     * @param name  names the input in the dead letter if the record cannot be classified
     * @param place where the record came from, for the reason
     */
    void record(SyslogRecord record, String fallbackAsset, String name, String place) {
        String asset = record.host().isBlank() ? fallbackAsset : record.host();
        Classification classification;
        try {
            classification = classifier.classify(asset, record);
        } catch (RuntimeException e) {
            // An asset name the engine refuses, or a classifier bug: this line's problem, not the read's.
            reject(name, record.raw(), place + ": cannot classify: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        lines++;
        if (!classification.classified()) {
            unclassified++;
        }
        events.addAll(classification.events());
        if (events.size() >= EVENTS_PER_HAND_OVER) {
            handOver();
        }
    }

    /** Keeps a line that cannot be used as a dead letter; it was read, so it counts as read too. */
    void reject(String name, String content, String reason) {
        lines++;
        deadLetters.store(routeId, name, content, reason);
    }

    /** Hands over what is left and counts what was read since the last flush. */
    void flush() {
        handOver();
        if (lines > 0) {
            monitor.read(routeId, lines);
            monitor.unclassified(routeId, unclassified);
        }
        lines = 0;
        unclassified = 0;
    }

    private void handOver() {
        if (!events.isEmpty()) {
            sink.accept(List.copyOf(events));
            events.clear();
        }
    }
}
