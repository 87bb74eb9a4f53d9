package io.annexa.register.policy;

import io.annexa.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One reading of one hand-edited register configuration file. Problems are collected, each as
 * {@code file:line:column: field: message}, so a wrong file is reported in full and never half-applies.
 * {@code field} is the path of the value ({@code assets[2].owner}, {@code grading.matrix.high}); a problem with
 * the file as a whole names {@value #WHOLE_FILE} and line 0 when there is no place to point at.
 * Public so that other hand-edited configuration files (alert routing) are read with the same checks and messages.
 */
public final class ConfigYaml {

    /** One problem at its place in the file: {@code field} is the path of the value it is about. */
    public record Problem(int line, int column, String field, String message) {
    }

    public static final String WHOLE_FILE = "(file)";
    /** Beyond this the rest is summarised: a generated file with an error on every line would flood the log. */
    static final int MAX_PROBLEMS = 200;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String name;
    private final List<Problem> problems = new ArrayList<>();
    private int unreported;
    private Node root;

    private ConfigYaml(String name) {
        this.name = name;
    }

    /** Reads a file of at most {@code maxBytes} that is YAML; anything else is refused at once. */
    static ConfigYaml open(Path file, long maxBytes) throws RegisterConfigException {
        ConfigYaml yaml = read(file, file.toString(), maxBytes);
        yaml.throwIfAny();
        return yaml;
    }

    /**
     * As {@link #open}, but never throws: a file that is too large, unreadable or not YAML has no root and says why
     * in {@link #problems()}. {@code display} names the file in every problem (e.g. {@code config/alerts.yml}).
     */
    public static ConfigYaml read(Path file, String display, long maxBytes) {
        ConfigYaml yaml = new ConfigYaml(display);
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                yaml.problem(0, 0, WHOLE_FILE, "is " + size + " bytes, more than the " + maxBytes + " bytes allowed");
            }
        } catch (IOException e) {
            yaml.problem(0, 0, WHOLE_FILE, "cannot be read: " + e.getMessage());
        }
        if (!yaml.problems.isEmpty()) {
            return yaml;
        }
        try {
            // a UTF-8 file of maxBytes holds at most maxBytes code points
            yaml.root = YamlFile.read(file, yaml.name, (int) Math.min(Integer.MAX_VALUE, maxBytes)).orElse(null);
        } catch (YamlFile.YamlException e) {
            yaml.problem(e.line(), e.column(), WHOLE_FILE, e.getMessage());
        }
        return yaml;
    }

    /** The name every problem gives for the file. */
    public String name() {
        return name;
    }

    /** The document's root node, empty for an empty document (or one holding only comments). */
    public Optional<Node> root() {
        return Optional.ofNullable(root);
    }

    public void problem(Node node, String field, String message) {
        problem(YamlFile.line(node), YamlFile.column(node), field, message);
    }

    private void problem(int line, int column, String field, String message) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(new Problem(line, column, field, message));
        } else {
            unreported++;
        }
    }

    /** Problems found so far, listed or not: compare before and after reading a value to know whether it was right. */
    public int problemCount() {
        return problems.size() + unreported;
    }

    /** The problems found so far, in the order found; past {@value #MAX_PROBLEMS} the last one counts the rest. */
    public List<Problem> problems() {
        List<Problem> all = new ArrayList<>(problems);
        if (unreported > 0) {
            all.add(new Problem(0, 0, WHOLE_FILE, unreported + " more problems not listed; fix these first"));
        }
        return all;
    }

    void throwIfAny() throws RegisterConfigException {
        if (problems.isEmpty()) {
            return;
        }
        throw new RegisterConfigException(problems().stream()
                .map(p -> name + ":" + p.line() + ":" + p.column() + ": " + p.field() + ": " + p.message()).toList());
    }

    /**
     * The keys of a mapping by name, each with its tuple. Unknown keys and keys given twice are reported (YAML
     * would otherwise let the last one silently win); the first of a repeated key is kept.
     */
    public Map<String, NodeTuple> fields(MappingNode mapping, String path, Set<String> allowed) {
        Map<String, NodeTuple> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
            // a key that does not look like one is named in the message only, so the field stays one clean token
            boolean named = key != null && KEY.matcher(key).matches();
            String at = !named ? (path.isEmpty() ? WHOLE_FILE : path) : path.isEmpty() ? key : path + "." + key;
            if (key == null || !allowed.contains(key)) {
                problem(tuple.getKeyNode(), at, (key == null ? "a key must be a single value" : "unknown key '" + shown(key) + "'")
                        + "; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            } else if (fields.containsKey(key)) {
                problem(tuple.getKeyNode(), at, "is given twice (first on line "
                        + YamlFile.line(fields.get(key).getKeyNode()) + "); keep one");
            } else {
                fields.put(key, tuple);
            }
        }
        return fields;
    }

    /** The text of a single value, or null after reporting what is there instead. An empty value is reported too. */
    public String text(Node node, String field) {
        if (!(node instanceof ScalarNode scalar)) {
            problem(node, field, "must be a single value, not a " + (node instanceof MappingNode ? "mapping" : "list"));
            return null;
        }
        if (isNull(node) || scalar.getValue().isBlank()) {
            problem(node, field, "has no value");
            return null;
        }
        return scalar.getValue().strip();
    }

    /** Free text a person reads later (owner, classification, tags): bounded, and no control characters. */
    public String freeText(Node node, String field, int maxLength) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        if (text.length() > maxLength) {
            problem(node, field, "is " + text.length() + " characters long, more than " + maxLength);
            return null;
        }
        int bad = text.codePoints().filter(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)
                .findFirst().orElse(-1);
        if (bad >= 0) {
            problem(node, field, String.format("contains the character U+%04X; remove it", bad));
            return null;
        }
        return text;
    }

    /** {@code key:} with nothing after it, or {@code ~} / {@code null}. */
    public static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** A value for a message: short, control characters escaped. */
    public static String shown(String value) {
        return io.annexa.evidence.AssetNames.shown(value);
    }
}
