package io.annexa.ingestion;

import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.SourceSilent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Notices sources that have gone quiet. A route with an expected interval that has not delivered
 * within it (since its last success, or since start) is reported as a {@link SourceSilent} fact;
 * when it delivers again the fact is withdrawn. The fact is filed under the route id as asset, so a
 * rule can raise a monitoring-gap nonconformity (ISO/IEC 27001:2022 clause 9.1) about that source.
 */
public final class SilenceWatch {

    public static final String SOURCE = "source_silent";

    private final SourceMonitor monitor;
    private final EvidenceSink sink;
    private final Clock clock;
    private final Instant started;
    private final Map<String, Boolean> reported = new HashMap<>();

    public SilenceWatch(SourceMonitor monitor, EvidenceSink sink, Clock clock) {
        this.monitor = monitor;
        this.sink = sink;
        this.clock = clock;
        this.started = clock.instant();
    }

    /**
     * Checks every route once.
     *
     * @param routes route id to (kind, expected interval); routes without an interval are never silent
     */
    public synchronized void check(Map<String, Expectation> routes) {
        Instant now = clock.instant();
        routes.forEach((routeId, expectation) -> {
            Optional<Instant> last = monitor.counters(routeId).lastSuccess();
            Instant since = last.orElse(started);
            boolean silent = Duration.between(since, now).compareTo(expectation.interval()) > 0;
            // Until a route has delivered or its interval has passed, nobody knows whether it is silent: say nothing.
            // Once known, the first report is made even when it is "not silent", so a monitoring gap recorded before a
            // restart is resolved on fresh evidence instead of staying open forever.
            boolean known = silent || last.isPresent();
            if (known && !Boolean.valueOf(silent).equals(reported.get(routeId))) {
                List<Object> facts = silent
                        ? List.of(new SourceSilent(routeId, expectation.kind(), expectation.interval(), last.orElse(null), since))
                        : List.of();
                sink.replace(new EvidenceKey(SOURCE, routeId, "silence-watch"), facts);
                reported.put(routeId, silent);
            }
        });
    }

    public synchronized boolean isSilent(String routeId) {
        return reported.getOrDefault(routeId, false);
    }

    /** What a route is expected to deliver, and how often. */
    public record Expectation(String kind, Duration interval) {
    }
}
