package io.annexa.evidence;

import java.time.Duration;
import java.time.Instant;

/**
 * Annexa could not collect a host's evidence itself (unreachable, host key refused, authentication refused, timed
 * out): its evidence is growing old. Handed over under its own evidence key ({@link #SOURCE}, asset), so that it
 * replaces only itself and the host's other evidence stays as the last collection left it: a failed collection
 * never makes the host look compliant. Withdrawn (an empty read under the same key) at the next success.
 *
 * @param asset            the host, as named in the inventory
 * @param reason           why the latest attempt failed, for people
 * @param since            when the failures began (the first failed attempt since the last success or since start)
 * @param lastSuccess      the last collection that succeeded, null when none is known
 * @param expectedInterval how old the host's evidence may grow before monitoring has a gap
 * @param checkedAt        when the latest attempt failed
 */
public record CollectionFailed(String asset, String reason, Instant since, Instant lastSuccess, Duration expectedInterval,
                               Instant checkedAt) {

    /** The source name of these facts: their evidence key, rule.yml {@code sources:}, scenario file extension. */
    public static final String SOURCE = "collection_failed";

    public CollectionFailed {
        asset = AssetNames.normalize(asset);
        if (since == null || expectedInterval == null || checkedAt == null) {
            throw new IllegalArgumentException("since, expectedInterval and checkedAt are required");
        }
    }

    /** The newest evidence the host has: the last success, else the start of the failures. */
    public Instant evidenceFrom() {
        return lastSuccess != null ? lastSuccess : since;
    }

    /** The evidence is older than the expected interval at the latest attempt: a gap in monitoring, not a hiccup. */
    public boolean isOverdue() {
        return Duration.between(evidenceFrom(), checkedAt).compareTo(expectedInterval) > 0;
    }

    public String getAsset() { return asset; }
    public String getReason() { return reason; }
    public Instant getSince() { return since; }
    public Instant getLastSuccess() { return lastSuccess; }
    public Duration getExpectedInterval() { return expectedInterval; }
    public Instant getCheckedAt() { return checkedAt; }
}
