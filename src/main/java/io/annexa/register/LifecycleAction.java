package io.annexa.register;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a person can do to a nonconformity; each is one {@code POST /api/nonconformities/{id}/<action>}. */
public enum LifecycleAction {
    ACKNOWLEDGE, PLAN, RESOLVE, CLOSE, REOPEN, ACCEPT_RISK, WITHDRAW;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static LifecycleAction parse(String text) {
        for (LifecycleAction action : values()) {
            if (action.label().equals(text)) {
                return action;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a lifecycle action: "
                + Arrays.stream(values()).map(LifecycleAction::label).collect(Collectors.joining(", ")));
    }
}
