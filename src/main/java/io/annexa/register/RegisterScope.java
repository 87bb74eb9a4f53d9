package io.annexa.register;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * What one register instance answers for, when several share one database (cluster mode: one register per partition of
 * the estate): the assets whose nonconformities it loads and changes, the fence each of its write transactions passes
 * first, and whether it writes the register's daily figures, which cover every asset and so have one writer only.
 *
 * <p>Registers with disjoint {@code assets} never touch each other's rows. The daily snapshot is the one thing the
 * register writes that is not about its own assets: {@link Figures#FROM_MEMORY} (the single register of a stand-alone
 * Annexa) counts what it holds; {@link Figures#FROM_DATABASE} counts the whole register in the database, for the one
 * partition register chosen to keep them (the holder of partition 0, say: its fence then stops a former holder writing
 * them too); {@link Figures#NONE} leaves them to that one.
 */
public record RegisterScope(Predicate<String> assets, WriteFence fence, Figures figures) {

    public enum Figures { FROM_MEMORY, FROM_DATABASE, NONE }

    /** The only register on its database: every asset, no fence, the figures counted from what it holds. */
    public static final RegisterScope WHOLE = new RegisterScope(asset -> true, WriteFence.NONE, Figures.FROM_MEMORY);

    public RegisterScope {
        Objects.requireNonNull(assets, "assets");
        Objects.requireNonNull(fence, "fence");
        Objects.requireNonNull(figures, "figures");
    }

    /** One partition's register: only {@code assets}, behind {@code fence}, leaving the daily figures to another. */
    public static RegisterScope partition(Predicate<String> assets, WriteFence fence) {
        return new RegisterScope(assets, fence, Figures.NONE);
    }

    /** The same scope, also keeping the daily figures of the whole register (counted in the database). */
    public RegisterScope keepingFigures() {
        return new RegisterScope(assets, fence, Figures.FROM_DATABASE);
    }

    boolean whole() {
        return this == WHOLE;
    }
}
