package io.annexa.register;

/**
 * A partition's register tried to write after its lease was taken over (or released): nothing of that transaction was
 * stored, and nothing it tries later will be. The partition's worker stops on it; the lease's new owner carries on.
 */
public final class LeaseLostException extends RuntimeException {

    private final int partition;
    private final long ourEpoch;
    private final long currentEpoch;
    private final String currentOwner;

    /** @param currentEpoch 0 when the partition has no lease row at all; {@code currentOwner} null when released */
    public LeaseLostException(int partition, long ourEpoch, long currentEpoch, String currentOwner) {
        super("partition " + partition + ": our lease of epoch " + ourEpoch + " was lost; the current epoch is " + currentEpoch
                + (currentOwner == null ? ", released" : ", held by " + currentOwner) + ": nothing was written");
        this.partition = partition;
        this.ourEpoch = ourEpoch;
        this.currentEpoch = currentEpoch;
        this.currentOwner = currentOwner;
    }

    public int partition() {
        return partition;
    }

    public long ourEpoch() {
        return ourEpoch;
    }

    public long currentEpoch() {
        return currentEpoch;
    }

    /** Who holds the partition now; null when nobody does. */
    public String currentOwner() {
        return currentOwner;
    }
}
