package io.annexa.ingestion.log;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EventAttribute;
import io.annexa.evidence.LogEvent;
import io.annexa.ingestion.DeadLetters;
import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.SourceMonitor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One read of log lines on their way to the engine: records are classified and their events handed to the
 * sink in batches. A line that cannot be used is dead-lettered (into the one dead-letter file of its input) and the
 * read goes on, because one bad line among thousands must not hold back the others. Lines read and unclassified
 * are counted for the route at each {@link #flush}, after the events went out. One per read, on one thread.
 *
 * <p>Host names become asset names only if {@link AssetNames} accepts them. On live sources a timestamp too far
 * ahead (and on the syslog routes, too far behind) is replaced by now ({@link TimestampGuard}); the event keeps the
 * claimed one as {@code claimed_time}.
 *
 * <p>Handing events over blocks while the sink is full, which slows the read down to the engine's pace; an intake
 * for a sender that cannot wait (UDP) offers them instead, and counts the lines whose events were refused as
 * {@code dropped}.
 */
final class LogIntake {

    static final int EVENTS_PER_HAND_OVER = 1000;
    /** Attribute of an event whose timestamp was replaced: what the line claimed. */
    static final String CLAIMED_TIME = EventAttribute.CLAIMED_TIME.name();

    private final LogClassifier classifier;
    private final HandOver sink;
    private final SourceMonitor monitor;
    private final DeadLetters.Rejects rejects;
    private final TimestampGuard guard;
    private final String routeId;
    private final List<LogEvent> events = new ArrayList<>();
    private int lines;
    private int unclassified;
    /** Lines whose events are in {@link #events}, not handed over yet. */
    private int linesWaiting;
    private int dropped;
    private String lastHost = "";
    private String lastAsset = "";

    /** Where a batch of events goes: the live stream (waiting for room, or refused when full), or a replay. */
    @FunctionalInterface
    interface HandOver {
        /** @return false when the events were refused (dropped) */
        boolean accept(List<?> events);

        static HandOver waiting(EvidenceSink sink) {
            return events -> {
                sink.events(events);
                return true;
            };
        }

        static HandOver dropping(EvidenceSink sink) {
            return sink::offerEvents;
        }

        static HandOver replay(EvidenceSink.Replay replay) {
            return events -> {
                replay.events(events);
                return true;
            };
        }
    }

    LogIntake(LogClassifier classifier, EvidenceSink sink, SourceMonitor monitor, DeadLetters.Rejects rejects,
              TimestampGuard guard, String routeId) {
        this(classifier, HandOver.waiting(sink), monitor, rejects, guard, routeId);
    }

    /**
     * @param sink  where the events go: the live stream, or a replay
     * @param guard null for history (a replayed file), whose timestamps are taken as they are
     */
    LogIntake(LogClassifier classifier, HandOver sink, SourceMonitor monitor,
              DeadLetters.Rejects rejects, TimestampGuard guard, String routeId) {
        this.classifier = classifier;
        this.sink = sink;
        this.monitor = monitor;
        this.rejects = rejects;
        this.guard = guard;
        this.routeId = routeId;
    }

    /** A line of a log file: its own host is the asset, else {@code fallbackAsset}. */
    void line(SyslogLineParser parser, LogLine line, String fallbackAsset) {
        SyslogRecord record;
        try {
            record = parser.parse(line.text(), line.file().toString(), (int) Math.min(Integer.MAX_VALUE, line.number()));
        } catch (InvalidInputException e) {
            reject("line " + line.number(), line.text(), e.getMessage());
            return;
        }
        String asset;
        try {
            asset = record.host().isBlank() ? fallbackAsset : asset(record.host());
        } catch (IllegalArgumentException e) {
            reject("line " + line.number(), line.text(), line.place() + ": " + e.getMessage());
            return;
        }
        record(record, asset, Map.of(), "line " + line.number(), line.place());
    }

    /** The line's host name as an asset name; lines come in runs from one host, so the last one is remembered. */
    private String asset(String host) {
        if (!host.equals(lastHost)) {
            lastAsset = AssetNames.validate("host name", host);
            lastHost = host;
        }
        return lastAsset;
    }

    /**
     * @param asset the asset the record's events are filed under, already validated
     * @param flags attributes added to every event of the record (why it was not taken at face value)
     * @param where names the record in its input's dead letters if it cannot be classified
     * @param place where the record came from, for the reason
     */
    void record(SyslogRecord record, String asset, Map<String, String> flags, String where, String place) {
        Map<String, String> added = flags;
        Instant replacement = guard == null ? null : guard.replacement(record.timestamp());
        if (replacement != null) {
            added = new HashMap<>(flags);
            added.put(CLAIMED_TIME, record.timestamp().toString());
            record = new SyslogRecord(replacement, record.host(), record.program(), record.pid(), record.message(), record.raw());
            monitor.flag(routeId, SourceMonitor.CLOCK_SKEW, 1);
        }
        Classification classification;
        try {
            classification = classifier.classify(asset, record);
        } catch (RuntimeException e) {
            // A classifier bug: this line's problem, not the read's.
            reject(where, record.raw(), place + ": cannot classify: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        lines++;
        if (!classification.classified()) {
            unclassified++;
        }
        if (!classification.events().isEmpty()) {
            linesWaiting++;
        }
        if (added.isEmpty()) {
            events.addAll(classification.events());
        } else {
            for (LogEvent event : classification.events()) {
                Map<String, String> attributes = new HashMap<>(event.getAttributes());
                attributes.putAll(added);
                events.add(new LogEvent(event.getAsset(), event.getTimestamp(), event.getProgram(), event.getKind(),
                        attributes, event.getRaw(), event.getRepeat()));
            }
        }
        if (events.size() >= EVENTS_PER_HAND_OVER) {
            handOver();
        }
    }

    /** Keeps a line that cannot be used as a dead letter; it was read, so it counts as read too. */
    void reject(String where, String content, String reason) {
        lines++;
        rejects.add(where, content, reason);
    }

    /** Hands over what is left, writes the dead letters, and counts what was read (and dropped) since the last flush. */
    void flush() {
        handOver();
        rejects.flush();
        if (lines > 0) {
            monitor.read(routeId, lines);
            monitor.unclassified(routeId, unclassified);
        }
        if (dropped > 0) {
            monitor.dropped(routeId, dropped);
        }
        lines = 0;
        unclassified = 0;
        dropped = 0;
    }

    private void handOver() {
        if (!events.isEmpty()) {
            if (!sink.accept(List.copyOf(events))) {
                dropped += linesWaiting;
            }
            events.clear();
        }
        linesWaiting = 0;
    }
}
