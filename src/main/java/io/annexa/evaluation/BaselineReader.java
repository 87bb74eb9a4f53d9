package io.annexa.evaluation;

import io.annexa.evidence.ConfigSources;
import io.annexa.evidence.BaselineValue;
import io.annexa.yaml.YamlFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the declared configuration baseline, {@code config/baseline.yml}:
 * <pre>
 * baseline:
 *   - source: sshd_config            # a configuration source (file kind)
 *     assets: ["web*", db1]          # optional globs; default: every asset
 *     file: /etc/ssh/sshd_config     # optional glob; default: any file of that kind
 *     settings:
 *       PermitRootLogin: "no"
 *       X11Forwarding: "no"
 * </pre>
 * Every problem is reported with its line and column; a file with problems yields no baseline at all, so a
 * typo never silently drops part of it.
 */
public final class BaselineReader {

    /** The file's name next to config/rules.yml. */
    public static final String FILE_NAME = "baseline.yml";

    private static final Set<String> FIELDS = Set.of("source", "assets", "file", "settings");

    private final String display;
    private final List<Problem> problems;
    private final Set<String> sources = new java.util.TreeSet<>(ConfigSources.ALL);

    private BaselineReader(String display, List<Problem> problems) {
        this.display = display;
        this.problems = problems;
    }

    /** @return the baseline, empty when the file does not exist or has problems (added to {@code problems}) */
    public static List<BaselineValue> read(Path file, String display, List<Problem> problems) {
        if (file == null || !Files.exists(file)) {
            return List.of();
        }
        List<Problem> found = new ArrayList<>();
        List<BaselineValue> baseline = new BaselineReader(display, found).read(file);
        problems.addAll(found);
        return found.stream().anyMatch(Problem::isError) ? List.of() : baseline;
    }

    private List<BaselineValue> read(Path file) {
        Node root;
        try {
            root = YamlFile.read(file, display).orElse(null);
        } catch (YamlFile.YamlException e) {
            problems.add(Problem.error(display, e.line(), e.column(), e.getMessage()));
            return List.of();
        }
        if (root == null) {
            return List.of();
        }
        Node entries = root instanceof MappingNode top ? value(top, "baseline") : null;
        if (entries instanceof ScalarNode empty && empty.getValue().isEmpty()) {
            return List.of(); // "baseline:" with nothing declared yet
        }
        if (!(entries instanceof SequenceNode list)) {
            problems.add(problem(root, "must hold a list 'baseline:' of { source, settings, assets, file }"));
            return List.of();
        }
        List<BaselineValue> baseline = new ArrayList<>();
        for (Node entry : list.getValue()) {
            if (entry instanceof MappingNode block) {
                readBlock(block, baseline);
            } else {
                problems.add(problem(entry, "each baseline entry is a mapping with 'source' and 'settings'"));
            }
        }
        return baseline;
    }

    private void readBlock(MappingNode block, List<BaselineValue> baseline) {
        for (NodeTuple field : block.getValue()) {
            String name = text(field.getKeyNode());
            if (!FIELDS.contains(name)) {
                problems.add(problem(field.getKeyNode(), "unknown field '" + name + "'; allowed: " + new java.util.TreeSet<>(FIELDS)));
            }
        }
        Node sourceNode = value(block, "source");
        String source = text(sourceNode);
        if (source == null || source.isBlank()) {
            problems.add(problem(block, "baseline entry needs 'source', one of " + sources));
        } else if (!sources.contains(source)) {
            problems.add(problem(sourceNode, "unknown configuration source '" + source + "'; known: " + sources));
        }
        List<String> assets = assets(value(block, "assets"));
        Node fileNode = value(block, "file");
        String file = fileNode == null ? "" : text(fileNode);
        if (file == null) {
            problems.add(problem(fileNode, "'file' is one path or glob"));
            file = "";
        }
        Node settings = value(block, "settings");
        if (!(settings instanceof MappingNode values) || values.getValue().isEmpty()) {
            problems.add(problem(settings == null ? block : settings, "baseline entry needs 'settings': a mapping of key to expected value"));
            return;
        }
        for (NodeTuple setting : values.getValue()) {
            String key = text(setting.getKeyNode());
            String expected = text(setting.getValueNode());
            if (key == null || key.isBlank()) {
                problems.add(problem(setting.getKeyNode(), "setting names are single words, e.g. PermitRootLogin"));
            } else if (expected == null) {
                problems.add(problem(setting.getValueNode(), "expected value of " + key + " must be a single value; quote it (\"no\")"));
            } else if (source != null) {
                baseline.add(new BaselineValue(source, key, expected, assets, file,
                        display + ":" + YamlFile.line(setting.getKeyNode())));
            }
        }
    }

    private List<String> assets(Node node) {
        if (node == null) {
            return List.of();
        }
        if (node instanceof ScalarNode one) {
            return List.of(one.getValue());
        }
        List<String> assets = new ArrayList<>();
        if (node instanceof SequenceNode many) {
            for (Node asset : many.getValue()) {
                String name = text(asset);
                if (name == null || name.isBlank()) {
                    problems.add(problem(asset, "asset patterns are single names or globs, e.g. web*"));
                } else {
                    assets.add(name);
                }
            }
        } else {
            problems.add(problem(node, "'assets' is a name, a glob or a list of them"));
        }
        return assets;
    }

    private static Node value(MappingNode mapping, String key) {
        return mapping.getValue().stream().filter(t -> key.equals(text(t.getKeyNode()))).map(NodeTuple::getValueNode)
                .findFirst().orElse(null);
    }

    private static String text(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    private Problem problem(Node node, String message) {
        return Problem.error(display, YamlFile.line(node), YamlFile.column(node), message);
    }
}
