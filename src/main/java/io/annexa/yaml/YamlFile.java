package io.annexa.yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * YAML files people edit by hand (rule.yml, applicability.yml) are read as node trees, not bound to
 * classes, so every complaint can name the line and column it is about and scalars keep the text
 * that was written ({@code 8.10} stays a control id, it does not become the number 8.1).
 */
public final class YamlFile {

    /** The file is not YAML at all, or cannot be read. */
    public static final class YamlException extends Exception {
        private final int line;
        private final int column;

        YamlException(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    /** Far deeper than any file Annexa reads (a rule's parameters are three levels deep). */
    static final int MAX_NESTING = 64;

    private YamlFile() {
    }

    /** @return the document's root node, or empty for an empty document */
    public static Optional<Node> read(Path file, String label) throws YamlException {
        return read(file, label, LoadSettings.builder().build().getCodePointLimit());
    }

    /**
     * As {@link #read(Path, String)}, for a document larger than the parser's default limit of 3 Mi code points
     * (the caller bounds the file's size itself).
     */
    public static Optional<Node> read(Path file, String label, int maxCodePoints) throws YamlException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            LoadSettings settings = LoadSettings.builder().setLabel(label).setCodePointLimit(maxCodePoints).build();
            checkNesting(new Parse(settings).parseString(text));
            return new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark();
            throw new YamlException("not valid YAML: " + printable(e.getProblem()), mark.map(m -> m.getLine() + 1).orElse(0),
                    mark.map(m -> m.getColumn() + 1).orElse(0));
        } catch (IOException | RuntimeException e) {
            throw new YamlException("cannot be read: " + printable(String.valueOf(e.getMessage())), 0, 0);
        }
    }

    /**
     * The parser quotes the offending character itself ("unexpected character found\n(10)"): a line break or other
     * control character in a problem would split it in a log or a terminal, so each is shown as its code.
     */
    static String printable(String problem) {
        StringBuilder shown = new StringBuilder(problem.length());
        problem.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                shown.append("\\u").append(String.format("%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }

    /**
     * The composer builds the node tree recursively: a few thousand nested '{' or '[' overflow the stack. The
     * event parser keeps its own stack, so the depth is checked on its events before anything is composed.
     */
    private static void checkNesting(Iterable<Event> events) throws YamlException {
        int depth = 0;
        for (Event event : events) {
            if (event.getEventId() == Event.ID.MappingStart || event.getEventId() == Event.ID.SequenceStart) {
                if (++depth > MAX_NESTING) {
                    Optional<Mark> mark = event.getStartMark();
                    throw new YamlException("mappings and lists nested more than " + MAX_NESTING + " deep",
                            mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0));
                }
            } else if (event.getEventId() == Event.ID.MappingEnd || event.getEventId() == Event.ID.SequenceEnd) {
                depth--;
            }
        }
    }

    /** 1-based line of a node, 0 when unknown. */
    public static int line(Node node) {
        return node == null ? 0 : node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    /** 1-based column of a node, 0 when unknown. */
    public static int column(Node node) {
        return node == null ? 0 : node.getStartMark().map(m -> m.getColumn() + 1).orElse(0);
    }
}
