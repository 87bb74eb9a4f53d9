package io.annexa.evaluation;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the API and the health check read of evaluation, whether one engine evaluates the whole estate (standalone) or
 * one session per owned partition does (cluster mode).
 */
public interface Evaluation extends RuleTarget {

    /** Rules switched off after failing at run time, with the reason. */
    List<Quarantine> quarantines();

    default Optional<Quarantine> quarantine(String ruleId) {
        return quarantines().stream().filter(q -> q.ruleId().equals(ruleId)).findFirst();
    }

    /** How often each rule fired, by rule id. */
    Map<String, Long> firings();

    /** When each rule was last evaluated, by rule id. */
    Map<String, Instant> lastEvaluated();

    EventStats eventStats();

    boolean isRunning();

    /** Several sessions' counts as one: counts added, retentions the longest. */
    static EventStats merged(List<EventStats> all) {
        Map<String, EventStats.KindStats> kinds = new HashMap<>();
        for (EventStats stats : all) {
            stats.kinds().forEach((kind, s) -> kinds.merge(kind, s, (a, b) -> new EventStats.KindStats(
                    a.retention() == null ? b.retention() : b.retention() == null || a.retention().compareTo(b.retention()) >= 0
                            ? a.retention() : b.retention(),
                    a.live() + b.live(), a.notInserted() + b.notInserted(), a.unmatched() + b.unmatched())));
        }
        return new EventStats(kinds);
    }
}
