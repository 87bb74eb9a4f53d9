package io.annexa.ingestion.ssh;

import io.annexa.evidence.CollectionFailed;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What is known of one host's collections, and what the engine is told after each: a {@link CollectionFailed} after
 * every failed attempt, carrying when the failures began and the last success, and an empty read (the failure
 * withdrawn) after a success that follows a failure or is the first since start. One instance per host; the
 * collection and the scenario reader ({@link CollectionScenario}) both go through it.
 */
final class HostRecord {

    private final String asset;
    private Instant lastAttempt;
    private Instant lastSuccess;
    private Instant failingSince;
    /** What the engine was last told: null nothing yet, TRUE a failure, FALSE no failure. */
    private Boolean reportedFailing;

    HostRecord(String asset, Instant lastSuccess) {
        this.asset = asset;
        this.lastSuccess = lastSuccess;
    }

    /** @return the facts to hand over (none: the failure is withdrawn), or empty when there is nothing to tell */
    synchronized Optional<List<Object>> succeeded(Instant at) {
        lastSuccess = at;
        failingSince = null;
        // the first report after a start is made even for a success: a gap recorded before the restart is resolved
        boolean tell = !Boolean.FALSE.equals(reportedFailing);
        reportedFailing = false;
        return tell ? Optional.of(List.of()) : Optional.empty();
    }

    /** @return the facts to hand over: the failure, with when the failures began and the last success */
    synchronized List<Object> failed(String reason, Duration expectedInterval, Instant at) {
        if (failingSince == null) {
            failingSince = at;
        }
        reportedFailing = true;
        return List.of(new CollectionFailed(asset, reason, failingSince, lastSuccess, expectedInterval, at));
    }

    /** Due again a period after the last attempt, or after {@code retry} while failing (when that is sooner). */
    synchronized boolean isDue(Duration period, Duration retry, Instant now) {
        if (lastAttempt == null) {
            return true;
        }
        Duration wait = failingSince != null && retry.compareTo(period) < 0 ? retry : period;
        return !now.isBefore(lastAttempt.plus(wait));
    }

    synchronized void attempted(Instant at) {
        lastAttempt = at;
    }

    synchronized Instant lastSuccess() {
        return lastSuccess;
    }

    /** Whether the engine holds a failure or an all-clear of this host, to be withdrawn when the host leaves. */
    synchronized boolean reported() {
        return reportedFailing != null;
    }
}
