package io.annexa.evaluation;

import java.time.Duration;
import java.util.Map;

/**
 * Log events by kind as the live session holds them: how long the rules need each kind ({@code retention}, null when
 * no enabled rule reads it), how many are in working memory, how many were counted without being inserted because no
 * enabled rule reads their kind, and how many were dropped right after insertion because no rule's pattern took them.
 */
public record EventStats(Map<String, KindStats> kinds) {

    public static final EventStats NONE = new EventStats(Map.of());

    public EventStats {
        kinds = Map.copyOf(kinds);
    }

    /**
     * @param notInserted events counted without being inserted: no enabled rule reads their kind
     * @param unmatched   events inserted and deleted at once: every pattern reading their kind refused them
     *                    (a PAM failure where the rules read sshd's own)
     */
    public record KindStats(Duration retention, int live, long notInserted, long unmatched) {
    }

    /** Events not inserted since the session started, all kinds together. */
    public long notInserted() {
        return kinds.values().stream().mapToLong(KindStats::notInserted).sum();
    }

    /** Events deleted right after insertion because no pattern took them in, all kinds together. */
    public long unmatched() {
        return kinds.values().stream().mapToLong(KindStats::unmatched).sum();
    }

    /** Events in working memory, all kinds together. */
    public long live() {
        return kinds.values().stream().mapToLong(KindStats::live).sum();
    }
}
