package io.annexa.evaluation;

/**
 * The session's time, as a fact: one instance per session, moved on about once a minute of session time.
 * Rules that keep their own state (an {@link EventWindow}) use it to forget what has gone quiet:
 * {@code Tick($now : epochMillis)} and {@code EventWindow(quietAt($now))}. Updating it once a minute
 * rather than per event keeps that clean-up off the per-event path.
 */
public record Tick(long epochMillis) {

    public static final long PERIOD_MILLIS = 60_000;

    public long getEpochMillis() {
        return epochMillis;
    }
}
