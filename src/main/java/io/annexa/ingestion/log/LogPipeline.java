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
 * timestamps, and how far live timestamps may be from now (each live route says whether that holds for old ones too).
 */
final class LogPipeline {

    static final String MAX_CLOCK_SKEW = "annexa.sources.logs.max-clock-skew";

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

    /**
     * The pipeline of live routes, whose timestamps later than now plus the skew are replaced by now.
     *
     * @param clampOldSetting   the setting saying whether these routes also replace timestamps earlier than now minus the
     *                          skew (see {@link TimestampGuard} for why that is each route's decision)
     * @param clampOldByDefault its value when unset
     */
    static LogPipeline live(SourceContext context, String clampOldSetting, boolean clampOldByDefault) {
        Duration skew = context.setting(MAX_CLOCK_SKEW).map(RuleParameter::parseDuration).orElse(TimestampGuard.DEFAULT_MAX_SKEW);
        boolean clampOld = context.setting(clampOldSetting).map(Boolean::parseBoolean).orElse(clampOldByDefault);
        return new LogPipeline(context.sink(), context.monitor(), DeadLetters.of(context), zone(context),
                new TimestampGuard(Clock.systemUTC(), skew, clampOld));
    }

    /** The pipeline of files read as a whole: history, whose timestamps are taken as they are. */
    static LogPipeline history(SourceContext context) {
        return new LogPipeline(context.sink(), context.monitor(), DeadLetters.of(context), zone(context), null);
    }

    private static ZoneId zone(SourceContext context) {
        return context.setting("annexa.sources.logs.time-zone").map(ZoneId::of).orElse(ZoneId.systemDefault());
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
