package io.annexa.ingestion.log;

import io.annexa.ingestion.DeadLetters;
import io.annexa.ingestion.EvidenceSink;
import io.annexa.ingestion.SourceContext;
import io.annexa.ingestion.SourceMonitor;
import java.time.ZoneId;

/** What every log source shares: one classifier, where events and rejected lines go, and the zone of yearless timestamps. */
final class LogPipeline {

    private final LogClassifier classifier = new LogClassifier();
    private final EvidenceSink sink;
    private final SourceMonitor monitor;
    private final DeadLetters deadLetters;
    private final ZoneId zone;

    LogPipeline(EvidenceSink sink, SourceMonitor monitor, DeadLetters deadLetters, ZoneId zone) {
        this.sink = sink;
        this.monitor = monitor;
        this.deadLetters = deadLetters;
        this.zone = zone;
    }

    static LogPipeline of(SourceContext context) {
        // The folder the shared error handler's deadLetters bean writes to, so all rejects of a route sit together.
        DeadLetters deadLetters = new DeadLetters(context.dataDirectory().resolve("dead-letter"), context.monitor());
        ZoneId zone = context.setting("annexa.sources.logs.time-zone").map(ZoneId::of).orElse(ZoneId.systemDefault());
        return new LogPipeline(context.sink(), context.monitor(), deadLetters, zone);
    }

    /** A fresh intake for one read of one route. */
    LogIntake intake(String routeId) {
        return new LogIntake(classifier, sink, monitor, deadLetters, routeId);
    }

    /** An intake for one log file read as a whole, replayed on its own timeline. */
    LogIntake replayIntake(String routeId, EvidenceSink.Replay replay) {
        return new LogIntake(classifier, replay::events, monitor, deadLetters, routeId);
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
