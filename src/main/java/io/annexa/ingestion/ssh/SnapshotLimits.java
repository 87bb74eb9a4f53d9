package io.annexa.ingestion.ssh;

/**
 * Bounds on one host's snapshot; reaching one fails the collection and leaves the previous snapshot in place.
 *
 * @param maxListed names listed in all folders includes lead to (a careless {@code Include /etc/*} lists a lot)
 * @param maxRounds rounds of looking up where includes lead; a glob takes two (list, then fetch) per level
 */
public record SnapshotLimits(int maxFiles, int maxListed, long maxFileBytes, long maxTotalBytes, int maxRounds) {

    /** Parsers stop at 16 levels of includes: 40 rounds is more than they can need. */
    public static final SnapshotLimits DEFAULT = new SnapshotLimits(2_000, 20_000, 1_048_576, 64L * 1024 * 1024, 40);
}
