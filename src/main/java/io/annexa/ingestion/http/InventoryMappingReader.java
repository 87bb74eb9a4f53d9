package io.annexa.ingestion.http;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.InvalidInputException;
import io.annexa.yaml.YamlFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads a mapping file ({@code integrations/mappings/<name>.yml}) that turns a JSON document into
 * {@link io.annexa.evidence.InventoryItem} facts:
 * <pre>
 * source: cloud-inventory          # InventoryItem.source
 * items: "$.instances[*]"          # JSONPath selecting the items in the document
 * kind: instance                   # the same for every item; or kindPath: "$.type"
 * id: "$.id"                       # JSONPath relative to the item
 * asset: "$.hostname"              # JSONPath relative to the item; or assetName: aws-prod
 * attributes:                      # optional: attribute name to JSONPath relative to the item
 *   public_ip: "$.network.publicIp"
 * </pre>
 * Every JSONPath is compiled here, so a typo is reported with its line when the mapping is loaded rather
 * than as items that silently lack a value. All problems of a file are reported together.
 */
public final class InventoryMappingReader {

    private static final Set<String> FIELDS = Set.of("source", "items", "kind", "kindPath", "id", "asset", "assetName",
            "attributes");
    private static final String FIELD_LIST = "source, items, kind or kindPath, id, asset or assetName, attributes";
    private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final String name;
    private final List<Problem> problems = new ArrayList<>();

    private record Problem(int line, String text) {
    }

    private InventoryMappingReader(String name) {
        this.name = name;
    }

    public static InventoryMapping read(Path file) throws InvalidInputException {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(name, 0, "no such mapping file");
        }
        Node root;
        try {
            root = YamlFile.read(file, name).orElse(null);
        } catch (YamlFile.YamlException e) {
            throw new InvalidInputException(name, e.line(), e.getMessage());
        }
        if (!(root instanceof MappingNode top)) {
            throw new InvalidInputException(name, YamlFile.line(root), "a mapping needs the fields " + FIELD_LIST);
        }
        return new InventoryMappingReader(name).mapping(top);
    }

    private InventoryMapping mapping(MappingNode top) throws InvalidInputException {
        Map<String, Node> fields = fields(top);
        String source = text(fields, "source", top);
        if (source != null && !SOURCE_NAME.matcher(source).matches()) {
            problem(fields.get("source"), "source '" + source + "' must be letters, digits, '.', '_' or '-'");
        }
        JsonSelector items = selector(fields, "items", top);
        InventoryMapping.ItemValue kind = constantOrSelected(fields, "kind", "kindPath", top);
        JsonSelector id = selector(fields, "id", top);
        InventoryMapping.ItemValue asset = constantOrSelected(fields, "assetName", "asset", top);
        if (asset != null && asset.constant() != null) {
            try {
                asset = InventoryMapping.ItemValue.constant(AssetNames.normalize(asset.constant()));
            } catch (IllegalArgumentException e) {
                problem(fields.get("assetName"), "assetName: " + e.getMessage());
            }
        }
        Map<String, JsonSelector> attributes = attributes(fields.get("attributes"));
        if (!problems.isEmpty()) {
            throw complaint();
        }
        return new InventoryMapping(name, source, items, kind, id, asset, attributes);
    }

    private Map<String, Node> fields(MappingNode top) {
        Map<String, Node> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : top.getValue()) {
            String key = scalar(tuple.getKeyNode());
            if (key == null || !FIELDS.contains(key)) {
                problem(tuple.getKeyNode(), "unknown field '" + key + "'; a mapping has " + FIELD_LIST);
            } else if (fields.containsKey(key)) {
                problem(tuple.getKeyNode(), "'" + key + "' is given twice (first on line " + YamlFile.line(fields.get(key)) + ")");
            } else {
                fields.put(key, tuple.getValueNode());
            }
        }
        return fields;
    }

    /** Exactly one of a constant field and a JSONPath field. */
    private InventoryMapping.ItemValue constantOrSelected(Map<String, Node> fields, String constantField, String pathField,
                                                         Node top) {
        boolean constant = fields.containsKey(constantField);
        boolean selected = fields.containsKey(pathField);
        if (constant && selected) {
            problem(fields.get(pathField), "give either '" + constantField + "' or '" + pathField + "', not both");
            return null;
        }
        if (constant) {
            String value = text(fields, constantField, top);
            return value == null ? null : InventoryMapping.ItemValue.constant(value);
        }
        if (selected) {
            JsonSelector path = selector(fields, pathField, top);
            return path == null ? null : InventoryMapping.ItemValue.selected(path);
        }
        problem(top, "'" + constantField + "' (the same for every item) or '" + pathField + "' (a JSONPath into each item) is missing");
        return null;
    }

    private Map<String, JsonSelector> attributes(Node node) {
        Map<String, JsonSelector> attributes = new LinkedHashMap<>();
        if (node == null) {
            return attributes;
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(node, "'attributes' must map attribute names to JSONPaths");
            return attributes;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String attribute = scalar(tuple.getKeyNode());
            if (attribute == null || attribute.isBlank()) {
                problem(tuple.getKeyNode(), "an attribute name must be a single non-empty value");
            } else if (attributes.containsKey(attribute)) {
                problem(tuple.getKeyNode(), "attribute '" + attribute + "' is given twice");
            } else {
                JsonSelector path = compile(tuple.getValueNode(), "attribute '" + attribute + "'");
                if (path != null) {
                    attributes.put(attribute, path);
                }
            }
        }
        return attributes;
    }

    private JsonSelector selector(Map<String, Node> fields, String field, Node top) {
        if (!fields.containsKey(field)) {
            problem(top, "'" + field + "' is missing");
            return null;
        }
        return compile(fields.get(field), "'" + field + "'");
    }

    private JsonSelector compile(Node node, String what) {
        String expression = scalar(node);
        if (expression == null) {
            problem(node, what + " must be a JSONPath in quotes, such as \"$.id\"");
            return null;
        }
        try {
            return JsonSelector.compile(expression);
        } catch (IllegalArgumentException e) {
            problem(node, what + ": " + e.getMessage());
            return null;
        }
    }

    private String text(Map<String, Node> fields, String field, Node top) {
        Node node = fields.get(field);
        if (node == null) {
            problem(top, "'" + field + "' is missing");
            return null;
        }
        String value = scalar(node);
        if (value == null || value.isBlank()) {
            problem(node, "'" + field + "' must be a single non-empty value");
            return null;
        }
        return value.strip();
    }

    private void problem(Node node, String text) {
        problems.add(new Problem(YamlFile.line(node), text));
    }

    /** One exception for all problems, in file order: the first is located by the exception, the others by their text. */
    private InvalidInputException complaint() {
        List<Problem> sorted = problems.stream().sorted(Comparator.comparingInt(Problem::line)).toList();
        StringBuilder reason = new StringBuilder(sorted.get(0).text());
        for (Problem other : sorted.subList(1, sorted.size())) {
            reason.append("; line ").append(other.line()).append(": ").append(other.text());
        }
        return new InvalidInputException(name, sorted.get(0).line(), reason.toString());
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }
}
