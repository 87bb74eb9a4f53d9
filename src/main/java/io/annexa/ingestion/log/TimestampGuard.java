package io.annexa.ingestion.log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps the timestamps of live log sources (followed files, the syslog receiver) near the time they arrive. A
 * sender decides what its timestamps say: an RFC 5424 message dated 2999 would stay in the engine's windows and
 * working memory for ever, as nothing expires before its own time. A timestamp later than now plus
 * {@code annexa.sources.logs.max-clock-skew} is replaced by now, on every live route.
 *
 * <p>Whether one earlier than now minus the skew is replaced too is each route's decision ({@link LogPipeline#live}):
 * an old event cannot stay (it expires at once and opens no window), so a sender whose clock lags, or that backdates
 * on purpose, would slip its failed logins past every rule that counts over time. Network senders run on clocks
 * Annexa does not know, so the syslog routes replace old times too ({@code annexa.sources.syslog.clamp-old-timestamps},
 * on by default). A followed file is written on this machine, by this machine's clock: an old time there is real
 * history (a first read, or the backlog caught up after a restart), and moved to now, hours of it would look like one
 * burst; the {@code logs-follow} route keeps it ({@code annexa.sources.logs.clamp-old-timestamps}, off by default).
 * Dropped files are history and never pass here: they are replayed on their own timeline.
 */
final class TimestampGuard {

    static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(10);

    private final Clock clock;
    private final long maxSkewMillis;
    private final boolean clampOld;

    TimestampGuard(Clock clock, Duration maxSkew, boolean clampOld) {
        if (maxSkew.isNegative()) {
            throw new IllegalArgumentException("annexa.sources.logs.max-clock-skew must not be negative, is " + maxSkew);
        }
        this.clock = clock;
        this.maxSkewMillis = maxSkew.toMillis();
        this.clampOld = clampOld;
    }

    /** @return the time to use instead of {@code claimed}, or null when {@code claimed} is near enough to now */
    Instant replacement(Instant claimed) {
        Instant now = clock.instant();
        long skew = claimed.toEpochMilli() - now.toEpochMilli();
        if (skew > maxSkewMillis || clampOld && -skew > maxSkewMillis) {
            return now;
        }
        return null;
    }
}
