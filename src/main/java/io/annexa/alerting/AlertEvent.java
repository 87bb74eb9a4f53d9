package io.annexa.alerting;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One alert event; {@code id} is stable forever (the outbox row's id as text, e.g. {@code evt-123}).
 * <p>
 * {@code type}: nonconformity.opened|reopened|escalated|resolved|closed|withdrawn, incident.detected, monitoring.gap,
 * risk-acceptance.expiring, risk-acceptance.expired, rule.quarantined.
 * <p>
 * {@code labels} always hold all of {@link #LABELS}, {@code ""} when unknown: the constructor fills in the missing ones,
 * so matchers such as {@code owner != "x"} see the same label set whoever built the event. {@code id} is null only for
 * an event not stored yet (handed to {@code AlertOutbox.record}, which answers it with its id).
 */
public record AlertEvent(String id, String type, Instant at, Map<String, String> labels, AlertSubject subject) {

    /** The labels matchers, group_by and silences may name. */
    public static final List<String> LABELS = List.of("event", "grade", "severity", "control", "theme", "asset", "owner",
            "requirement", "rule");

    /**
     * The types that say a nonconformity is not fixed (again): a receiver told of one is reminded of the nonconformity
     * every {@code repeat_interval} while it stays unfixed. {@code risk-acceptance.expired} is one: the register reopens
     * the nonconformity with it.
     */
    public static final Set<String> FIRING = Set.of("nonconformity.opened", "nonconformity.reopened", "nonconformity.escalated",
            "incident.detected", "monitoring.gap", "risk-acceptance.expired");

    public AlertEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        labels = complete(labels);
    }

    /**
     * The labels with every name of {@link #LABELS} present ({@code ""} for missing or null values), in that order,
     * then any others by name. Unmodifiable.
     */
    public static Map<String, String> complete(Map<String, String> labels) {
        Map<String, String> complete = new LinkedHashMap<>();
        Map<String, String> given = labels == null ? Map.of() : labels;
        for (String name : LABELS) {
            String value = given.get(name);
            complete.put(name, value == null ? "" : value);
        }
        new TreeMap<>(given).forEach((name, value) -> complete.putIfAbsent(name, value == null ? "" : value));
        return java.util.Collections.unmodifiableMap(complete);
    }

    /** Whether the event says its nonconformity is not fixed: see {@link #FIRING}. */
    public boolean firing() {
        return FIRING.contains(type) && subject != null && subject.nonconformityId() != null;
    }
}
