package io.annexa.register;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The clause 10.2 lifecycle as the issue states it, written down as a table independent of {@link Lifecycle}: for a
 * state (a setting that holds) a person claims the fix; for an incident (something that happened) a person closes it.
 */
final class ExpectedLifecycle {

    private static final String ACTIONS = "acknowledge plan resolve close reopen accept-risk withdraw";

    /** Rows: from status; columns: {@link #ACTIONS}; cells: the status reached, or "-" when refused. */
    private static final String STATES = """
            open                  acknowledged  action-planned  pending-verification  -       -         risk-accepted  withdrawn
            acknowledged          -             action-planned  pending-verification  -       -         risk-accepted  withdrawn
            action-planned        -             action-planned  pending-verification  -       -         risk-accepted  withdrawn
            pending-verification  -             -               -                     -       reopened  -              withdrawn
            resolved              -             -               -                     -       reopened  -              withdrawn
            reopened              acknowledged  action-planned  pending-verification  -       -         risk-accepted  withdrawn
            risk-accepted         -             -               -                     -       reopened  -              withdrawn
            closed                -             -               -                     -       -         -              -
            withdrawn             -             -               -                     -       -         -              -
            """;

    private static final String INCIDENTS = """
            open                  acknowledged  action-planned  -                     closed  -         risk-accepted  withdrawn
            acknowledged          -             action-planned  -                     closed  -         risk-accepted  withdrawn
            action-planned        -             action-planned  -                     closed  -         risk-accepted  withdrawn
            pending-verification  -             -               -                     -       reopened  -              withdrawn
            resolved              -             -               -                     -       reopened  -              withdrawn
            reopened              acknowledged  action-planned  -                     closed  -         risk-accepted  withdrawn
            risk-accepted         -             -               -                     -       reopened  -              withdrawn
            closed                -             -               -                     -       -         -              -
            withdrawn             -             -               -                     -       -         -              -
            """;

    private static final Map<NonconformityStatus, Map<LifecycleAction, NonconformityStatus>> STATE_TABLE = parse(STATES);
    private static final Map<NonconformityStatus, Map<LifecycleAction, NonconformityStatus>> INCIDENT_TABLE = parse(INCIDENTS);

    private ExpectedLifecycle() {
    }

    static Optional<NonconformityStatus> next(NonconformityStatus from, LifecycleAction action, boolean incident) {
        return Optional.ofNullable((incident ? INCIDENT_TABLE : STATE_TABLE).get(from).get(action));
    }

    static List<String> allowed(NonconformityStatus from, boolean incident) {
        List<String> allowed = new ArrayList<>();
        for (LifecycleAction action : LifecycleAction.values()) {
            next(from, action, incident).ifPresent(to -> allowed.add(action.label()));
        }
        return allowed;
    }

    private static Map<NonconformityStatus, Map<LifecycleAction, NonconformityStatus>> parse(String table) {
        List<LifecycleAction> columns = Arrays.stream(ACTIONS.split(" ")).map(LifecycleAction::parse).toList();
        Map<NonconformityStatus, Map<LifecycleAction, NonconformityStatus>> rows = new EnumMap<>(NonconformityStatus.class);
        for (String line : table.strip().split("\n")) {
            String[] cells = line.strip().split("\\s+");
            Map<LifecycleAction, NonconformityStatus> row = new EnumMap<>(LifecycleAction.class);
            for (int i = 0; i < columns.size(); i++) {
                if (!cells[i + 1].equals("-")) {
                    row.put(columns.get(i), NonconformityStatus.parse(cells[i + 1]));
                }
            }
            rows.put(NonconformityStatus.parse(cells[0]), row);
        }
        if (rows.size() != NonconformityStatus.values().length) {
            throw new IllegalStateException("the expected lifecycle misses a status: " + rows.keySet());
        }
        return rows;
    }
}
