package io.annexa.register;

import jakarta.persistence.EntityManager;

/**
 * Checked by the register at the start of every transaction it writes in, inside that transaction: a writer that is
 * no longer entitled to write (its partition's lease was taken over) throws, and the transaction writes nothing.
 * {@link PartitionLeases#fence} makes the one cluster mode uses.
 */
@FunctionalInterface
public interface WriteFence {

    /** The only writer: nothing to check. */
    WriteFence NONE = em -> { };

    /** @throws LeaseLostException when this writer must write nothing more */
    void check(EntityManager em);
}
