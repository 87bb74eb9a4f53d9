package io.annexa.ingestion.log;

import io.annexa.evidence.RuleParameter;
import io.annexa.ingestion.DeadLetters;
import io.annexa.evidence.EvidenceSink;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;

/**
 * What every log source shares: one classifier, where events and rejected lines go, the zone of yearless
 * timestamps, and how far live timestamps may be from now.
 */
final class LogPipeline {

    static final String MAX_CLOCK_SKEW = "annexa.sources.logs.max-clock-skew";
    static final String CLAMP_OLD = "annexa.sources.logs.clamp-old-timestamps";

    private final LogClassifier classifier = new LogClassifier();
    private final EvidenceSink sink;
    private final SourceMonitor monitor;
    private final DeadLetters deadLetters;
    private final ZoneId zone;
    private final TimestampGuard guard;

    /** A pipeline that takes live timestamps as they are: for benchmarks and tests of other things. */
    LogPipeline(EvidenceSink sink, SourceMonitor monitor, DeadLetters deadLetters, ZoneId zone) {
        this(sink, monitor, deadLetters, zone, null);
    }

    LogPipeline(EvidenceSink sink, SourceMonitor monitor, DeadLetters deadLetters, ZoneId zone, TimestampGuard guard) {
        this.sink = sink;
        this.monitor = monitor;
        this.deadLetters = deadLetters;
        this.zone = zone;
        this.guard = guard;
    }

    static LogPipeline of(SourceContext context) {
        ZoneId zone = context.setting("annexa.sources.logs.time-zone").map(ZoneId::of).orElse(ZoneId.systemDefault());
        Duration skew = context.setting(MAX_CLOCK_SKEW).map(RuleParameter::parseDuration).orElse(TimestampGuard.DEFAULT_MAX_SKEW);
        boolean clampOld = context.setting(CLAMP_OLD).map(Boolean::parseBoolean).orElse(false);
        return new LogPipeline(context.sink(), context.monitor(), DeadLetters.of(context), zone,
                new TimestampGuard(Clock.systemUTC(), skew, clampOld));
    }

    /**
     * A fresh intake for one read of a live route.
     *
     * @param input names the input in the dead letters (a followed file, {@code network})
     */
    LogIntake intake(String routeId, String input) {
        return new LogIntake(classifier, sink, monitor, deadLetters.rejects(routeId, input, true), guard, routeId);
    }

    /** Like {@link #intake}, for a sender that cannot be made to wait: when the sink is full, events are dropped and counted. */
    LogIntake droppingIntake(String routeId, String input) {
        return new LogIntake(classifier, LogIntake.HandOver.dropping(sink), monitor, deadLetters.rejects(routeId, input, true),
                guard, routeId);
    }

    /** An intake for one log file read as a whole, replayed on its own timeline: its timestamps are history. */
    LogIntake replayIntake(String routeId, EvidenceSink.Replay replay, String input) {
        return new LogIntake(classifier, LogIntake.HandOver.replay(replay), monitor, deadLetters.rejects(routeId, input, false),
                null, routeId);
    }

    EvidenceSink sink() {
        return sink;
    }

    SourceMonitor monitor() {
        return monitor;
    }

    ZoneId zone() {
        return zone;
    }
}
