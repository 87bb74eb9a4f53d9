package io.annexa.register;

import static io.annexa.register.NonconformityStatus.ACKNOWLEDGED;
import static io.annexa.register.NonconformityStatus.ACTION_PLANNED;
import static io.annexa.register.NonconformityStatus.CLOSED;
import static io.annexa.register.NonconformityStatus.OPEN;
import static io.annexa.register.NonconformityStatus.PENDING_VERIFICATION;
import static io.annexa.register.NonconformityStatus.REOPENED;
import static io.annexa.register.NonconformityStatus.RESOLVED;
import static io.annexa.register.NonconformityStatus.RISK_ACCEPTED;
import static io.annexa.register.NonconformityStatus.WITHDRAWN;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which person's action takes a nonconformity from which status to which. The one table both the register and
 * the API's 409 answers read, so what is allowed is said in one place.
 *
 * <p>A state that holds (a setting) is fixed by changing it: a person may claim the fix ({@code resolve}), which
 * the next fresh evidence verifies; closing follows by itself after the effectiveness period. Something that
 * happened (an incident) cannot be verified by evidence: a person closes it, with a comment.
 */
public final class Lifecycle {

    private static final Set<NonconformityStatus> UNTREATED = EnumSet.of(OPEN, REOPENED);
    private static final Set<NonconformityStatus> BEING_TREATED = EnumSet.of(OPEN, REOPENED, ACKNOWLEDGED, ACTION_PLANNED);

    private Lifecycle() {
    }

    /** @return the status the action leads to, or empty when it is not allowed from {@code from} */
    public static Optional<NonconformityStatus> next(NonconformityStatus from, LifecycleAction action, boolean incident) {
        NonconformityStatus to = switch (action) {
            case ACKNOWLEDGE -> UNTREATED.contains(from) ? ACKNOWLEDGED : null;
            case PLAN -> BEING_TREATED.contains(from) ? ACTION_PLANNED : null;
            case RESOLVE -> !incident && BEING_TREATED.contains(from) ? PENDING_VERIFICATION : null;
            case CLOSE -> incident && BEING_TREATED.contains(from) ? CLOSED : null;
            case REOPEN -> from == RESOLVED || from == PENDING_VERIFICATION || from == RISK_ACCEPTED ? REOPENED : null;
            case ACCEPT_RISK -> BEING_TREATED.contains(from) ? RISK_ACCEPTED : null;
            case WITHDRAW -> from.active() ? WITHDRAWN : null;
        };
        return Optional.ofNullable(to);
    }

    /** Every action a person may take now, in a stable order: what a 409 answer lists. */
    public static List<LifecycleAction> allowed(NonconformityStatus from, boolean incident) {
        return java.util.Arrays.stream(LifecycleAction.values())
                .filter(action -> next(from, action, incident).isPresent())
                .toList();
    }
}
