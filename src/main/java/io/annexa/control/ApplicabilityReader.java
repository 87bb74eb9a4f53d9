package io.annexa.control;

import io.annexa.yaml.YamlFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads {@code config/applicability.yml}:
 * <pre>
 * controls:
 *   "7.10":
 *     applicable: false
 *     justification: No removable media are used; laptops have USB storage disabled.
 *     implementation: implemented
 *     notes: Reviewed by the ISMS board on 2026-10-01.
 * </pre>
 * Anything it cannot use is reported with file, line and column; a wrong file never half-applies.
 */
public final class ApplicabilityReader {

    private static final Set<String> FIELDS = Set.of("applicable", "justification", "implementation", "notes");

    private final ControlCatalog catalog;

    public ApplicabilityReader(ControlCatalog catalog) {
        this.catalog = catalog;
    }

    /** @return the decisions by control id; an absent file means every control is applicable */
    public Map<String, Applicability> read(Path file) {
        Map<String, Applicability> decisions = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return decisions;
        }
        List<String> problems = new ArrayList<>();
        String name = file.toString();
        Node root;
        try {
            root = YamlFile.read(file, name).orElse(null);
        } catch (YamlFile.YamlException e) {
            throw new CatalogException(List.of(name + ":" + e.line() + ":" + e.column() + ": " + e.getMessage()));
        }
        if (root == null) {
            return decisions;
        }
        Node controls = root instanceof MappingNode top ? field(top, "controls") : null;
        if (!(controls instanceof MappingNode byControl)) {
            throw new CatalogException(List.of(where(name, root) + "must hold a mapping 'controls:' of control id to decision"));
        }
        Map<String, Node> listed = new LinkedHashMap<>();
        for (NodeTuple entry : byControl.getValue()) {
            String id = text(entry.getKeyNode());
            if (id == null || !catalog.contains(id)) {
                problems.add(where(name, entry.getKeyNode()) + "'" + id + "' is not an ISO/IEC 27002:2022 control id (5.1 ... 8.34)");
                continue;
            }
            Node first = listed.putIfAbsent(id, entry.getKeyNode());
            if (first != null) {
                problems.add(where(name, entry.getKeyNode()) + "control " + id + " is listed twice (first on line "
                        + YamlFile.line(first) + "); keep one entry");
                continue;
            }
            if (!(entry.getValueNode() instanceof MappingNode decision)) {
                problems.add(where(name, entry.getValueNode()) + "control " + id + " needs applicable, justification, implementation or notes");
                continue;
            }
            decisions.put(id, decision(name, id, decision, problems));
        }
        if (!problems.isEmpty()) {
            throw new CatalogException(problems);
        }
        return decisions;
    }

    private static Applicability decision(String name, String id, MappingNode node, List<String> problems) {
        boolean applicable = true;
        String justification = "";
        Implementation implementation = null;
        String notes = "";
        Set<String> seen = new HashSet<>();
        for (NodeTuple field : node.getValue()) {
            String key = text(field.getKeyNode());
            String value = text(field.getValueNode());
            if (key == null || !FIELDS.contains(key)) {
                problems.add(where(name, field.getKeyNode()) + "unknown field '" + key + "' for control " + id
                        + "; allowed: applicable, implementation, justification, notes");
                continue;
            }
            if (!seen.add(key)) {
                problems.add(where(name, field.getKeyNode()) + "'" + key + "' of control " + id + " is given twice");
                continue;
            }
            if (value == null) {
                problems.add(where(name, field.getValueNode()) + "'" + key + "' of control " + id + " must be a single value");
                continue;
            }
            int bad = value.codePoints().filter(ApplicabilityReader::notXmlChar).findFirst().orElse(-1);
            if (bad >= 0) {
                // a YAML escape such as "\a" would otherwise make the XML Statement of Applicability unreadable
                problems.add(where(name, field.getValueNode()) + "'" + key + "' of control " + id
                        + String.format(" contains the character U+%04X, which the XML export cannot carry; remove it", bad));
                continue;
            }
            switch (key) {
                case "applicable" -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        problems.add(where(name, field.getValueNode()) + "'applicable' of control " + id + " must be true or false, not '" + value + "'");
                    }
                    applicable = !value.equals("false");
                }
                case "justification" -> justification = value.strip();
                case "implementation" -> {
                    implementation = Implementation.parse(value).orElse(null);
                    if (implementation == null) {
                        problems.add(where(name, field.getValueNode()) + "implementation '" + value + "' of control " + id
                                + " is not one of not_started, planned, partial, implemented");
                    }
                }
                default -> notes = value.strip();
            }
        }
        return new Applicability(id, applicable, justification, implementation, notes);
    }

    /** Characters XML 1.0 cannot carry, so neither can the exported Statement of Applicability. */
    private static boolean notXmlChar(int c) {
        return c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c == 0xFFFE || c == 0xFFFF
                || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
    }

    private static Node field(MappingNode mapping, String key) {
        return mapping.getValue().stream().filter(t -> key.equals(text(t.getKeyNode()))).map(NodeTuple::getValueNode)
                .findFirst().orElse(null);
    }

    private static String text(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    private static String where(String name, Node node) {
        return name + ":" + YamlFile.line(node) + ":" + YamlFile.column(node) + ": ";
    }
}
