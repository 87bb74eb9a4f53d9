package io.annexa.register;

import io.annexa.register.policy.RegisterPolicy;
import java.time.Instant;
import java.util.Set;

/**
 * What each action must carry. Clause 10.2 asks for the cause and the action taken, so planning without them is
 * refused; a risk is accepted by someone other than who asked for it, for a limited time.
 */
final class LifecycleRules {

    /** Why a nonconformity may be withdrawn; none of them means it was fixed. */
    static final Set<String> WITHDRAWAL_REASONS = Set.of("false-positive", "rule-retired", "asset-decommissioned", "evidence-removed");
    static final int TEXT_LIMIT = 4000;
    static final int NAME_LIMIT = 64;

    private LifecycleRules() {
    }

    static void check(LifecycleAction action, ActionRequest request, String actor, Instant now, RegisterPolicy policy) {
        optional("comment", request.comment(), TEXT_LIMIT);
        switch (action) {
            case ACKNOWLEDGE, RESOLVE -> {
            }
            case PLAN -> {
                required("rootCause", request.rootCause(), TEXT_LIMIT);
                required("correction", request.correction(), TEXT_LIMIT);
                required("correctiveAction", request.correctiveAction(), TEXT_LIMIT);
                optional("owner", request.owner(), 200);
                if (request.due() == null) {
                    throw new LifecycleException.Invalid("dueDate", "required: when the corrective action is due (2027-01-31)");
                }
                if (!request.due().isAfter(now)) {
                    throw new LifecycleException.Invalid("dueDate", "must be in the future, not " + request.due());
                }
            }
            case CLOSE, REOPEN -> required("comment", request.comment(), TEXT_LIMIT);
            case ACCEPT_RISK -> {
                required("requestedBy", request.requestedBy(), NAME_LIMIT);
                required("justification", request.justification(), TEXT_LIMIT);
                if (request.requestedBy().strip().equals(actor)) {
                    throw new LifecycleException.Invalid("requestedBy", "the approver (" + actor
                            + ") cannot approve a risk acceptance they requested; another person approves it");
                }
                if (request.expires() == null) {
                    throw new LifecycleException.Invalid("expiresAt", "required: a risk is accepted until a date");
                }
                if (!request.expires().isAfter(now)) {
                    throw new LifecycleException.Invalid("expiresAt", "must be in the future, not " + request.expires());
                }
                if (request.expires().isAfter(now.plus(policy.maxRiskAcceptance()))) {
                    throw new LifecycleException.Invalid("expiresAt", "at most " + policy.maxRiskAcceptance().toDays()
                            + " days ahead (register.yml lifecycle.max-risk-acceptance), not " + request.expires());
                }
            }
            case WITHDRAW -> {
                required("comment", request.comment(), TEXT_LIMIT);
                if (request.reason() == null || !WITHDRAWAL_REASONS.contains(request.reason())) {
                    throw new LifecycleException.Invalid("reason", "must be one of " + String.join(", ",
                            new java.util.TreeSet<>(WITHDRAWAL_REASONS)) + (request.reason() == null ? "" : ", not '" + request.reason() + "'"));
                }
            }
        }
    }

    private static void required(String field, String value, int limit) {
        if (value == null || value.isBlank()) {
            throw new LifecycleException.Invalid(field, "required");
        }
        optional(field, value, limit);
    }

    private static void optional(String field, String value, int limit) {
        if (value != null && value.length() > limit) {
            throw new LifecycleException.Invalid(field, "at most " + limit + " characters, not " + value.length());
        }
    }
}
