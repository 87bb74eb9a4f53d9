package io.annexa.evaluation;

import java.time.Duration;
import java.util.Map;

/**
 * Log events by kind as the live session holds them: how long the rules need each kind ({@code retention}, null when
 * no enabled rule reads it), how many are in working memory, and how many were counted without being inserted
 * because no enabled rule reads their kind.
 */
public record EventStats(Map<String, KindStats> kinds) {

    public static final EventStats NONE = new EventStats(Map.of());

    public EventStats {
        kinds = Map.copyOf(kinds);
    }

    public record KindStats(Duration retention, int live, long notInserted) {
    }

    /** Events not inserted since the session started, all kinds together. */
    public long notInserted() {
        return kinds.values().stream().mapToLong(KindStats::notInserted).sum();
    }

    /** Events in working memory, all kinds together. */
    public long live() {
        return kinds.values().stream().mapToLong(KindStats::live).sum();
    }
}
