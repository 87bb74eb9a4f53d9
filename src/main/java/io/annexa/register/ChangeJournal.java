package io.annexa.register;

import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;

/**
 * Told of the register's changes inside the transaction that stores them, so what it writes with {@code em} is
 * committed or rolled back with them: a change that is not stored leaves nothing behind, a stored one is never missed.
 * Nonconformity ids are known (they come from a table generator at persist). Called with the register's lock held:
 * keep it short, and never call the register back.
 *
 * <p>Besides the lifecycle's changes, it hears of risk acceptances: {@link NonconformityRegister.ChangeKind#RISK_EXPIRING}
 * once per acceptance when it enters {@code riskExpiryWarning}, and {@link NonconformityRegister.ChangeKind#RISK_EXPIRED}
 * (the reopening an expiry makes, which the register itself reports as {@code REOPENED}). While a risk is accepted the
 * nonconformity is silent: its other changes (evidence, a withdrawal) are not passed on.
 */
public interface ChangeJournal {

    ChangeJournal NONE = (em, changes, at) -> { };

    /** A failure rolls the changes back; the register retries them like any failed store. */
    void record(EntityManager em, List<NonconformityRegister.Change> changes, Instant at);

    /**
     * The transaction of a {@link #record} has committed: what it wrote can be read by others now. Called at once,
     * before the register's own bookkeeping after the cycle (its daily figures), with the register's lock held.
     */
    default void committed() {
    }
}
