package io.annexa.alerting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A node of the routing tree, with its inherited settings already resolved into {@link #target}. */
final class Route {

    private final RouteTarget target;
    private final List<LabelMatcher> matchers;
    private final boolean continues;
    private final List<Route> children;

    Route(RouteTarget target, List<LabelMatcher> matchers, boolean continues, List<Route> children) {
        this.target = target;
        this.matchers = List.copyOf(matchers);
        this.continues = continues;
        this.children = List.copyOf(children);
    }

    /**
     * Alertmanager's walk: a route that matches asks its children in order; the first child that yields a match ends
     * the search unless it says {@code continue}; when no child matches, the route itself takes the alert.
     */
    List<RouteTarget> match(Map<String, String> labels) {
        if (!matchers.stream().allMatch(m -> m.matches(labels))) {
            return List.of();
        }
        List<RouteTarget> all = new ArrayList<>();
        for (Route child : children) {
            List<RouteTarget> matched = child.match(labels);
            all.addAll(matched);
            if (!matched.isEmpty() && !child.continues) {
                break;
            }
        }
        return all.isEmpty() ? List.of(target) : all;
    }
}
