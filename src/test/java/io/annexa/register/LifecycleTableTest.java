package io.annexa.register;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link Lifecycle} against the expected table, cell by cell, for states and incidents. A pure function: no database;
 * the same table drives the register's actions on both databases in {@link RegisterActionsTest}.
 */
class LifecycleTableTest {

    @Test
    void everyActionFromEveryStatusLeadsWhereTheTableSays() {
        int cells = 0;
        for (boolean incident : new boolean[] {false, true}) {
            for (NonconformityStatus from : NonconformityStatus.values()) {
                for (LifecycleAction action : LifecycleAction.values()) {
                    assertThat(Lifecycle.next(from, action, incident))
                            .as("%s %s from %s", incident ? "incident" : "state", action.label(), from.label())
                            .isEqualTo(ExpectedLifecycle.next(from, action, incident));
                    cells++;
                }
            }
        }
        assertThat(cells).isEqualTo(2 * 9 * 7);
    }

    @Test
    void theAllowedActionsAreTheTablesRowInDeclarationOrder() {
        for (boolean incident : new boolean[] {false, true}) {
            for (NonconformityStatus from : NonconformityStatus.values()) {
                assertThat(Lifecycle.allowed(from, incident).stream().map(LifecycleAction::label).toList())
                        .as("%s from %s", incident ? "incident" : "state", from.label())
                        .isEqualTo(ExpectedLifecycle.allowed(from, incident));
            }
        }
        assertThat(Lifecycle.allowed(NonconformityStatus.CLOSED, false)).isEmpty();
        assertThat(Lifecycle.allowed(NonconformityStatus.WITHDRAWN, true)).isEmpty();
    }
}
