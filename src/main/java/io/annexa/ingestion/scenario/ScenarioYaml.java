package io.annexa.ingestion.scenario;

import io.annexa.evidence.InvalidInputException;
import io.annexa.yaml.YamlFile;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The fields of a YAML scenario file (a TLS observation, a silence check) as the node tree gives them, so
 * that every complaint names the file and line. Scalars keep their text; nothing is guessed: an unknown
 * field, a list where text is expected or a malformed instant is an {@link InvalidInputException}.
 */
public final class ScenarioYaml {

    private final String file;
    private final Node node;
    private final Map<String, Node> fields;

    private ScenarioYaml(String file, Node node, Map<String, Node> fields) {
        this.file = file;
        this.node = node;
        this.fields = fields;
    }

    /** The file's top-level mapping, which may hold only the {@code allowed} fields. */
    public static ScenarioYaml read(Path path, Set<String> allowed) throws InvalidInputException {
        String file = path.toString();
        Node root;
        try {
            root = YamlFile.read(path, file).orElse(null);
        } catch (YamlFile.YamlException e) {
            throw new InvalidInputException(file, e.line(), e.getMessage());
        }
        if (root == null) {
            throw new InvalidInputException(file, 0, "is empty; expected a mapping of " + String.join(", ", new TreeSet<>(allowed)));
        }
        return of(file, root, "the file", allowed);
    }

    private static ScenarioYaml of(String file, Node node, String what, Set<String> allowed) throws InvalidInputException {
        if (!(node instanceof MappingNode mapping)) {
            throw new InvalidInputException(file, YamlFile.line(node), what + " must be a mapping of "
                    + String.join(", ", new TreeSet<>(allowed)));
        }
        Map<String, Node> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = scalar(file, tuple.getKeyNode(), "a field name");
            if (!allowed.contains(key)) {
                throw new InvalidInputException(file, YamlFile.line(tuple.getKeyNode()), "unknown field '" + key + "' in "
                        + what + "; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            }
            if (fields.put(key, tuple.getValueNode()) != null) {
                throw new InvalidInputException(file, YamlFile.line(tuple.getKeyNode()), "field '" + key + "' appears twice");
            }
        }
        return new ScenarioYaml(file, node, fields);
    }

    public String file() {
        return file;
    }

    public boolean has(String name) {
        return fields.containsKey(name) && !isNull(fields.get(name));
    }

    /** 1-based line of the field's value, or of this mapping when the field is absent. */
    public int line(String name) {
        return YamlFile.line(fields.getOrDefault(name, node));
    }

    public Optional<String> text(String name) throws InvalidInputException {
        return has(name) ? Optional.of(scalar(file, fields.get(name), "'" + name + "'")) : Optional.empty();
    }

    public String requiredText(String name) throws InvalidInputException {
        return text(name).filter(t -> !t.isBlank()).orElseThrow(() -> missing(name));
    }

    public Optional<Instant> instant(String name) throws InvalidInputException {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.get().strip()));
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(file, line(name), "'" + name + "' is '" + text.get()
                    + "', not an instant like 2026-05-31T22:00:00Z");
        }
    }

    public Instant requiredInstant(String name) throws InvalidInputException {
        return instant(name).orElseThrow(() -> missing(name));
    }

    /** A sequence of scalars; empty when the field is absent. */
    public List<String> texts(String name) throws InvalidInputException {
        if (!has(name)) {
            return List.of();
        }
        if (!(fields.get(name) instanceof SequenceNode sequence)) {
            throw new InvalidInputException(file, line(name), "'" + name + "' must be a list, e.g. [TLSv1.3, TLSv1.2]");
        }
        List<String> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            items.add(scalar(file, item, "an item of '" + name + "'").strip());
        }
        return items;
    }

    /** A mapping of names to nested mappings, each holding only the {@code allowed} fields; empty when absent. */
    public Map<String, ScenarioYaml> mappings(String name, Set<String> allowed) throws InvalidInputException {
        if (!has(name)) {
            return Map.of();
        }
        if (!(fields.get(name) instanceof MappingNode mapping)) {
            throw new InvalidInputException(file, line(name), "'" + name + "' must be a mapping of names to mappings");
        }
        Map<String, ScenarioYaml> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = scalar(file, tuple.getKeyNode(), "a name in '" + name + "'");
            if (entries.put(key, of(file, tuple.getValueNode(), "'" + name + "." + key + "'", allowed)) != null) {
                throw new InvalidInputException(file, YamlFile.line(tuple.getKeyNode()), "'" + key + "' appears twice in '" + name + "'");
            }
        }
        return entries;
    }

    public InvalidInputException problem(String name, String reason) {
        return new InvalidInputException(file, line(name), reason);
    }

    private InvalidInputException missing(String name) {
        return new InvalidInputException(file, YamlFile.line(node), "'" + name + "' is missing");
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.getTag().getValue().endsWith(":null");
    }

    private static String scalar(String file, Node node, String what) throws InvalidInputException {
        if (!(node instanceof ScalarNode scalar)) {
            throw new InvalidInputException(file, YamlFile.line(node), what + " must be a single value, not a list or mapping");
        }
        return scalar.getValue();
    }
}
