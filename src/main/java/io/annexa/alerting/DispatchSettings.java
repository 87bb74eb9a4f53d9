package io.annexa.alerting;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How the dispatcher retries and how hard it works. {@code retrySchedule}: the wait after the 1st, 2nd... failed
 * attempt (each ±10% jitter); when it is used up, or the next attempt would come later than {@code maxAge} after the
 * delivery was made (or redelivered), the delivery is dead.
 *
 * <p>{@code claimDuration}: how long a dispatcher's claim on a delivery it attempts (and on the grouping of events)
 * holds without being renewed. Renewed every poll interval while the dispatcher lives, it only says how soon another
 * Annexa instance on the same database takes over the work of one that died. {@code instanceName}: the name this
 * instance claims under; null or blank for one made up at start (host, process, random), so that a restarted process
 * waits for its predecessor's claims to end like any other instance. Given, it must be unique among the instances
 * sharing the database and kept across restarts: a restarted instance then takes its own claims back at once.
 */
public record DispatchSettings(List<Duration> retrySchedule, Duration maxAge, int threads, Duration pollInterval,
                               Duration claimDuration, String instanceName) {

    public static final Duration DEFAULT_CLAIM = Duration.ofSeconds(60);

    public static final List<Duration> DEFAULT_SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

    public DispatchSettings {
        retrySchedule = List.copyOf(retrySchedule);
        if (retrySchedule.isEmpty() || retrySchedule.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("annexa.alerts.retry-schedule: one or more positive durations");
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("annexa.alerts.dispatch-threads: between 1 and 256, not " + threads);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("annexa.alerts.poll-interval: a positive duration");
        }
        // renewed once per poll interval: a claim shorter than a few of them could lapse under a live dispatcher
        if (claimDuration.compareTo(pollInterval.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("annexa.alerts.claim-duration: at least three poll intervals ("
                    + pollInterval.multipliedBy(3) + "), not " + claimDuration);
        }
        instanceName = instanceName == null || instanceName.isBlank() ? null : instanceName.strip();
        if (instanceName != null && instanceName.length() > 200) {
            throw new IllegalArgumentException("annexa.alerts.instance-name: at most 200 characters");
        }
    }

    /** With the default claim duration, under a name made up at start. */
    public DispatchSettings(List<Duration> retrySchedule, Duration maxAge, int threads, Duration pollInterval) {
        this(retrySchedule, maxAge, threads, pollInterval, defaultClaim(pollInterval), null);
    }

    /** {@link #DEFAULT_CLAIM}, or three poll intervals when that is longer. */
    public static Duration defaultClaim(Duration pollInterval) {
        Duration three = pollInterval.multipliedBy(3);
        return three.compareTo(DEFAULT_CLAIM) > 0 ? three : DEFAULT_CLAIM;
    }

    /** Under a name made up at start. */
    public DispatchSettings(List<Duration> retrySchedule, Duration maxAge, int threads, Duration pollInterval, Duration claimDuration) {
        this(retrySchedule, maxAge, threads, pollInterval, claimDuration, null);
    }

    public static DispatchSettings defaults() {
        return new DispatchSettings(DEFAULT_SCHEDULE, defaultMaxAge(DEFAULT_SCHEDULE), 8, Duration.ofSeconds(1));
    }

    /** The whole schedule with its largest jitter: every retry of the schedule is made before a delivery is dead. */
    public static Duration defaultMaxAge(List<Duration> schedule) {
        Duration sum = schedule.stream().reduce(Duration.ZERO, Duration::plus);
        return sum.plus(sum.dividedBy(10)).plusMinutes(1);
    }

    /**
     * Reads the configuration keys' text; blank or null means the default.
     *
     * @throws IllegalArgumentException naming the key that is wrong
     */
    public static DispatchSettings parse(String schedule, String maxAge, String threads, String pollInterval) {
        return parse(schedule, maxAge, threads, pollInterval, null, null);
    }

    /**
     * As {@link #parse(String, String, String, String)}, with {@code annexa.alerts.claim-duration} and
     * {@code annexa.alerts.instance-name}.
     */
    public static DispatchSettings parse(String schedule, String maxAge, String threads, String pollInterval, String claimDuration,
                                         String instanceName) {
        List<Duration> steps = blank(schedule) ? DEFAULT_SCHEDULE
                : Arrays.stream(schedule.split(",")).map(s -> duration("annexa.alerts.retry-schedule", s)).toList();
        Duration poll = blank(pollInterval) ? Duration.ofSeconds(1) : duration("annexa.alerts.poll-interval", pollInterval);
        return new DispatchSettings(steps,
                blank(maxAge) ? defaultMaxAge(steps) : duration("annexa.alerts.max-age", maxAge),
                blank(threads) ? 8 : number("annexa.alerts.dispatch-threads", threads), poll,
                blank(claimDuration) ? defaultClaim(poll) : duration("annexa.alerts.claim-duration", claimDuration), instanceName);
    }

    /** 5s, 30m, 2h, 1d, 250ms or ISO-8601 (PT5M). */
    public static Duration duration(String key, String text) {
        String t = text.strip();
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                return Duration.parse(t);
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a duration (5s, 30m, 2h, 1d, 250ms or PT5M)");
        }
    }

    private static int number(String key, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a whole number");
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
