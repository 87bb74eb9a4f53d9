package io.annexa.evidence;

import java.util.List;
import java.util.Map;

/**
 * What a scenario input yields: evidence by key, as a route would replace it, and events in the order
 * they happened.
 */
public record ScenarioFacts(Map<EvidenceKey, List<Object>> evidence, List<LogEvent> events) {

    public ScenarioFacts {
        evidence = Map.copyOf(evidence);
        events = List.copyOf(events);
    }

    public static ScenarioFacts of(EvidenceKey key, List<Object> facts) {
        return new ScenarioFacts(Map.of(key, facts), List.of());
    }
}
