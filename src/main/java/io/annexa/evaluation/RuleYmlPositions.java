package io.annexa.evaluation;

import io.annexa.yaml.YamlFile;
import java.nio.file.Path;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Where a value is written in a rule.yml, for a build check that finds a problem after the file was read into a
 * {@link RuleDefinition}, which keeps no positions. Read again only when there is something to report.
 */
final class RuleYmlPositions {

    private RuleYmlPositions() {
    }

    /**
     * The position of {@code value} under the field at {@code path} ({@code "count", "events"}): the list item or the
     * scalar that says it, else the field's value; line 0 when the file cannot be read again.
     */
    static DrlOutline.Position of(Path ruleYml, String value, String... path) {
        Node node;
        try {
            node = YamlFile.read(ruleYml, ruleYml.toString()).orElse(null);
        } catch (YamlFile.YamlException e) {
            return new DrlOutline.Position(0, 0);
        }
        for (String field : path) {
            node = valueOf(node, field);
        }
        if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                if (item instanceof ScalarNode scalar && scalar.getValue().strip().equals(value)) {
                    node = item;
                    break;
                }
            }
        }
        return new DrlOutline.Position(YamlFile.line(node), YamlFile.column(node));
    }

    private static Node valueOf(Node node, String field) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(field)) {
                    return tuple.getValueNode();
                }
            }
        }
        return null;
    }
}
