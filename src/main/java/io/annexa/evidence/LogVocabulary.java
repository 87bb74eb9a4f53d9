package io.annexa.evidence;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What rules may ask of a {@link LogEvent}, by the names written in DRL: the kinds ({@code kind == "auth_failure"})
 * and, per kind, the attributes ({@code attribute("user")}). A lookup over {@link EventKind}, for checks that hold a
 * rule's text against it: an unknown kind, or an attribute its kind never carries, is a mistake the engine would
 * never report (the pattern just never matches).
 */
public final class LogVocabulary {

    private static final Map<String, EventKind> BY_ID = Arrays.stream(EventKind.values())
            .collect(Collectors.toUnmodifiableMap(EventKind::id, Function.identity()));
    private static final List<String> KINDS = Arrays.stream(EventKind.values()).map(EventKind::id).toList();
    private static final Set<String> ALL_ATTRIBUTES = Arrays.stream(EventKind.values())
            .flatMap(k -> k.attributeNames().stream()).collect(Collectors.toUnmodifiableSet());

    private LogVocabulary() {
    }

    /** Every kind the classifier produces, in the order the guide lists them. */
    public static List<String> kinds() {
        return KINDS;
    }

    public static boolean isKnown(String kind) {
        return BY_ID.containsKey(kind);
    }

    public static Optional<EventKind> kind(String kind) {
        return Optional.ofNullable(BY_ID.get(kind));
    }

    /**
     * The attribute names {@code kind} can carry, in declared order.
     *
     * @throws IllegalArgumentException for a kind that is not {@link #isKnown known}
     */
    public static Set<String> attributes(String kind) {
        EventKind known = BY_ID.get(kind);
        if (known == null) {
            throw new IllegalArgumentException("'" + kind + "' is no LogEvent kind; the kinds are: "
                    + String.join(", ", KINDS));
        }
        return known.attributeNames();
    }

    /** Whether events of {@code kind} can carry {@code attribute}; false for an unknown kind. */
    public static boolean carries(String kind, String attribute) {
        EventKind known = BY_ID.get(kind);
        return known != null && known.carries(attribute);
    }

    /** Every attribute some kind carries: what {@code attribute(...)} may name where the kind is not pinned. */
    public static Set<String> allAttributes() {
        return ALL_ATTRIBUTES;
    }

    /** The kinds that carry {@code attribute}, in the order of {@link #kinds()}; empty when none does. */
    public static Set<String> kindsCarrying(String attribute) {
        Set<String> kinds = new LinkedHashSet<>();
        for (EventKind kind : EventKind.values()) {
            if (kind.carries(attribute)) {
                kinds.add(kind.id());
            }
        }
        return kinds;
    }

    /** The attribute names of all {@code kinds} together, sorted: what a pattern reading several kinds may name. */
    public static Set<String> attributesOfAny(Iterable<String> kinds) {
        Set<String> names = new TreeSet<>();
        for (String kind : kinds) {
            names.addAll(attributes(kind));
        }
        return names;
    }
}
