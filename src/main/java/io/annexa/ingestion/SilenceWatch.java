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
import java.util.logging.Logger;

/**
 * Notices sources that have gone quiet. A route with an expected interval that has not delivered
 * within it (since its last success, or since start) is reported as a {@link SourceSilent} fact;
 * when it delivers again the fact is withdrawn. The fact is filed under the route id as asset, so a
 * rule can raise a monitoring-gap nonconformity (ISO/IEC 27001:2022 clause 9.1) about that source.
 *
 * <p>A route that is no longer watched (its route file removed, or its expected interval unset) has its fact
 * withdrawn, so the gap ends with the route, as the rule's remediation says. The routes reported silent are saved
 * ({@link SavedNames}), so that this also holds for a route removed while Annexa was down: it is withdrawn at the
 * first check after the start.
 */
public final class SilenceWatch {

    private static final Logger LOG = Logger.getLogger(SilenceWatch.class.getName());
    public static final String SOURCE = SourceSilent.SOURCE;
    static final String ORIGIN = "silence-watch";

    private final SourceMonitor monitor;
    private final EvidenceSink sink;
    private final Clock clock;
    private final Instant started;
    private final Map<String, Boolean> reported = new HashMap<>();
    /** The routes whose {@link SourceSilent} the sink holds, this run or before a restart. */
    private final SavedNames silent;

    /** A watch that forgets at a restart what it reported: scenarios and tests. */
    public SilenceWatch(SourceMonitor monitor, EvidenceSink sink, Clock clock) {
        this(monitor, sink, clock, SavedNames.inMemory());
    }

    /** @param silent the routes reported silent before a restart, kept up to date by the watch */
    public SilenceWatch(SourceMonitor monitor, EvidenceSink sink, Clock clock, SavedNames silent) {
        this.monitor = monitor;
        this.sink = sink;
        this.clock = clock;
        this.started = clock.instant();
        this.silent = silent;
    }

    /**
     * Checks every route once.
     *
     * @param routes route id to (kind, expected interval); routes without an interval are never silent, and one
     *               reported silent before, now or before a restart, has its fact withdrawn
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
                sink.replace(key(routeId), facts);
                reported.put(routeId, silent);
                if (silent) {
                    this.silent.add(routeId);
                } else {
                    this.silent.remove(routeId);
                }
            }
        });
        reported.keySet().retainAll(routes.keySet());
        for (String routeId : silent.names()) {
            if (!routes.containsKey(routeId)) {
                LOG.info(() -> "route " + routeId + " is no longer watched for silence (removed, or its expected interval unset);"
                        + " its silence is withdrawn");
                sink.withdraw(key(routeId));
                silent.remove(routeId);
            }
        }
        silent.saveIfChanged();
    }

    static EvidenceKey key(String routeId) {
        return new EvidenceKey(SOURCE, routeId, ORIGIN);
    }

    public synchronized boolean isSilent(String routeId) {
        return reported.getOrDefault(routeId, false);
    }

    /** What a route is expected to deliver, and how often. */
    public record Expectation(String kind, Duration interval) {
    }
}
