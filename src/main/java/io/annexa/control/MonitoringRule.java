package io.annexa.control;

import java.time.Instant;
import java.util.List;

/**
 * What the control views need to know of a loaded rule: which controls it cites (the first is its
 * main one) and when it last evaluated fresh evidence ({@code null}: not yet).
 */
public record MonitoringRule(String id, List<String> controls, Instant lastEvaluated) {

    public MonitoringRule {
        controls = List.copyOf(controls);
    }
}
