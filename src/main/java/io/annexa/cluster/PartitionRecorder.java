package io.annexa.cluster;

import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.RuleDefinition;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where an owned partition's session records its results: the register, in transactions fenced by the partition's
 * lease. Called on the partition's evaluation thread.
 */
public interface PartitionRecorder extends AutoCloseable {

    /**
     * @param rules the enabled rule of an id in the library the result was made with: the partition's own session's,
     *              which may run newer rules than others for the moment a deployment takes to reach every session
     * @throws PartitionLostException when another instance took the partition over since it was claimed: nothing of
     *                                this result was written, and nothing more will be
     */
    void record(EvaluationResult result, Function<String, Optional<RuleDefinition>> rules);

    /**
     * The lifecycle's changes that time alone makes (closing after the effectiveness period, risk expiry, overdue), for
     * this partition's nonconformities.
     *
     * @throws PartitionLostException as {@link #record} does
     */
    void tick();

    /** The lease's epoch: raised by every take-over. */
    long epoch();

    /** Gives the lease back if it is still ours; nothing is written after. */
    @Override
    void close();

    /** Takes the lease of a partition (every take raises its epoch), so an instance that lost it can no longer write. */
    interface Claims {
        PartitionRecorder claim(int partition);
    }
}
