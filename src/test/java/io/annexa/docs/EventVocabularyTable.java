package io.annexa.docs;

import static io.annexa.docs.Markdown.cell;
import static io.annexa.docs.Markdown.code;

import io.annexa.evidence.EventAttribute;
import io.annexa.evidence.EventKind;
import java.util.Map;
import java.util.stream.Collectors;

/** The guide's table of {@code LogEvent} kinds, rendered from {@link EventKind}. */
final class EventVocabularyTable {

    static final String SECTION = "event-vocabulary";

    private EventVocabularyTable() {
    }

    static String render() {
        StringBuilder table = new StringBuilder();
        table.append("| kind | attributes | example line, and the event it gives |\n");
        table.append("|---|---|---|\n");
        for (EventKind kind : EventKind.values()) {
            table.append("| ").append(cell(code(kind.id()) + "<br>" + kind.meaning() + "<br>From: " + kind.writtenBy()))
                    .append(" | ").append(cell(attributes(kind)))
                    .append(" | ").append(cell(example(kind.example())))
                    .append(" |\n");
        }
        table.append("\nEvents of every kind may also carry these, which the log routes add:\n\n");
        for (EventAttribute attribute : EventAttribute.OF_EVERY_KIND) {
            table.append("- ").append(attribute(attribute)).append('\n');
        }
        return table.toString();
    }

    private static String attributes(EventKind kind) {
        return kind.attributes().stream().map(EventVocabularyTable::attribute).collect(Collectors.joining("<br>"));
    }

    private static String attribute(EventAttribute attribute) {
        return code(attribute.name()) + ": " + attribute.meaning();
    }

    private static String example(EventKind.Example example) {
        String origin = example.real() ? "real, from " + example.origin()
                : "not a real line: " + example.origin();
        return code(example.line()) + "<br>(" + origin + ")<br>→ " + code(values(example.attributes()));
    }

    /** {@code user=webmaster, reason="Bye Bye"}: quoted where a value has blanks or commas, or is empty. */
    private static String values(Map<String, String> attributes) {
        return attributes.entrySet().stream()
                .map(a -> a.getKey() + "=" + (a.getValue().isEmpty() || a.getValue().matches(".*[\\s,\"].*")
                        ? "\"" + a.getValue().replace("\"", "\\\"") + "\"" : a.getValue()))
                .collect(Collectors.joining(", "));
    }
}
