package io.annexa.evaluation;

import io.annexa.evidence.LogEvent;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a temporal rule counts, as its author declared it in the {@code count:} section of {@code rule.yml}: the
 * {@link LogEvent} kinds, an optional constraint on them, the key the events are counted by, optionally the attribute
 * whose distinct values are counted instead of the events, and the names of the rule's parameters that hold the
 * threshold and the window. The engine keeps the windows ({@link Counting}) and inserts a {@link Burst} when the
 * threshold is reached: the rule's DRL only says what a burst means.
 *
 * @param events    the kinds counted, at least one
 * @param where     a DRL constraint on the event ({@code attribute("reported_by") == "sshd"}), or null
 * @param by        the key: {@code remote}, {@code program}, or an attribute name
 * @param distinct  the attribute whose distinct values are counted, or null to count events
 * @param threshold the name of the integer parameter holding the threshold
 * @param window    the name of the duration parameter holding the window
 * @param whereLine the line of {@code where:} in rule.yml, for problems the compiler finds in it; 0 when absent
 */
public record CountDeclaration(List<String> events, String where, String by, String distinct, String threshold,
                               String window, int whereLine) {

    /** The fields of {@link LogEvent} a count can be keyed by; any other name is an attribute. */
    static final List<String> FIELDS = List.of("remote", "program");

    public CountDeclaration {
        events = List.copyOf(events);
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(window, "window");
    }

    /** Reads the key an event is counted by: the empty string when the event has none (it is then not counted). */
    Function<LogEvent, String> keyReader() {
        return reader(by);
    }

    /** Reads the value counted as distinct, or null when events are counted. */
    Function<LogEvent, String> distinctReader() {
        return distinct == null ? null : reader(distinct);
    }

    private static Function<LogEvent, String> reader(String name) {
        return switch (name) {
            case "remote" -> LogEvent::getRemote;
            case "program" -> LogEvent::getProgram;
            default -> event -> event.attribute(name);
        };
    }

    /** Whether two declarations count the same events the same way: a window kept under one is right under the other. */
    boolean countsLike(CountDeclaration other) {
        return other != null && events.equals(other.events) && Objects.equals(where, other.where) && by.equals(other.by)
                && Objects.equals(distinct, other.distinct);
    }
}
