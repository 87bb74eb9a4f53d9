package io.annexa.evaluation;

import java.time.Duration;
import java.util.Objects;

/**
 * How long log events stay in working memory when a rule does not say: {@code defaultRetention} for a rule that reads
 * events but has no duration parameter (its window, if it has one, is written into its DRL, so it cannot be told),
 * and {@code max}, a cap no rule's window lifts, so that one rule configured with a window of weeks cannot fill the
 * heap. Configured with {@code annexa.evaluation.events.default-retention} and {@code annexa.evaluation.events.max-retention}.
 */
public record EventRetention(Duration defaultRetention, Duration max) {

    /** Two hours, as every event stayed before retention followed the rules; a day at most. */
    public static final EventRetention DEFAULT = new EventRetention(Duration.ofHours(2), Duration.ofHours(24));

    public EventRetention {
        Objects.requireNonNull(defaultRetention, "defaultRetention");
        Objects.requireNonNull(max, "max");
        if (defaultRetention.isNegative() || max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("event retention must be positive: default " + defaultRetention + ", max " + max);
        }
    }
}
