package io.annexa.evaluation;

import io.annexa.yaml.YamlFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * This environment's choices about rules, from {@code config/rules.yml}: which rules are switched off
 * and which parameters differ from the defaults in the rules' own {@code rule.yml}:
 * <pre>
 * rules:
 *   sshd_password_authentication_disabled:
 *     enabled: false
 *   auth_brute_force_detected:
 *     parameters:
 *       max_failures: 10
 *       window: 5m
 * </pre>
 */
public record RuleSettings(Map<String, Boolean> enabled, Map<String, Map<String, String>> parameters, Path file) {

    public static RuleSettings none() {
        return new RuleSettings(Map.of(), Map.of(), null);
    }

    /** Reads the file for editing; unlike loading a library, a file with problems is refused. */
    public static RuleSettings readForUpdate(Path file) {
        List<Problem> problems = new java.util.ArrayList<>();
        RuleSettings settings = read(file, "config/" + file.getFileName(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("config/" + file.getFileName() + " has problems, fix it first: " + problems);
        }
        return settings;
    }

    /** This file with one rule switched on or off; written back by {@link #write}. */
    public RuleSettings withEnabled(String ruleId, boolean on) {
        Map<String, Boolean> changed = new LinkedHashMap<>(enabled);
        changed.put(ruleId, on);
        return new RuleSettings(changed, parameters, file);
    }

    /** Writes the settings back. Comments in the file are not kept: the API owns the file once it edits it. */
    public void write(Path target) throws java.io.IOException {
        StringBuilder yaml = new StringBuilder("# Rule settings of this environment; written by Annexa's API.\nrules:\n");
        java.util.Set<String> ids = new java.util.TreeSet<>(enabled.keySet());
        ids.addAll(parameters.keySet());
        for (String id : ids) {
            yaml.append("  ").append(id).append(":\n");
            if (enabled.containsKey(id)) {
                yaml.append("    enabled: ").append(enabled.get(id)).append('\n');
            }
            Map<String, String> values = parameters.getOrDefault(id, Map.of());
            if (!values.isEmpty()) {
                yaml.append("    parameters:\n");
                values.forEach((name, value) -> yaml.append("      ").append(name).append(": \"")
                        .append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
            }
        }
        if (ids.isEmpty()) {
            yaml.append("  {}\n");
        }
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temporary, yaml.toString());
        Files.move(temporary, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public boolean isEnabled(String ruleId) {
        return enabled.getOrDefault(ruleId, true);
    }

    /** Reads the file; problems (with line and column) are added, the rest is still read. */
    static RuleSettings read(Path file, String display, List<Problem> problems) {
        if (file == null || !Files.exists(file)) {
            return none();
        }
        Node root;
        try {
            root = YamlFile.read(file, display).orElse(null);
        } catch (YamlFile.YamlException e) {
            problems.add(Problem.error(display, e.line(), e.column(), e.getMessage()));
            return none();
        }
        Map<String, Boolean> enabled = new LinkedHashMap<>();
        Map<String, Map<String, String>> parameters = new LinkedHashMap<>();
        if (root == null) {
            return new RuleSettings(enabled, parameters, file);
        }
        Node rules = root instanceof MappingNode top ? value(top, "rules") : null;
        if (!(rules instanceof MappingNode byRule)) {
            problems.add(problem(display, root, "must hold a mapping 'rules:' of rule id to { enabled, parameters }"));
            return none();
        }
        for (NodeTuple rule : byRule.getValue()) {
            String id = text(rule.getKeyNode());
            if (!(rule.getValueNode() instanceof MappingNode settings)) {
                problems.add(problem(display, rule.getValueNode(), "rule " + id + " needs 'enabled' or 'parameters'"));
                continue;
            }
            for (NodeTuple setting : settings.getValue()) {
                String key = text(setting.getKeyNode());
                if ("enabled".equals(key)) {
                    String flag = text(setting.getValueNode());
                    if (!"true".equals(flag) && !"false".equals(flag)) {
                        problems.add(problem(display, setting.getValueNode(), "'enabled' of " + id + " must be true or false"));
                    } else {
                        enabled.put(id, Boolean.parseBoolean(flag));
                    }
                } else if ("parameters".equals(key) && setting.getValueNode() instanceof MappingNode values) {
                    Map<String, String> byName = new LinkedHashMap<>();
                    for (NodeTuple parameter : values.getValue()) {
                        String value = text(parameter.getValueNode());
                        if (value == null) {
                            problems.add(problem(display, parameter.getValueNode(), "parameter values must be single values"));
                        } else {
                            byName.put(text(parameter.getKeyNode()), value);
                        }
                    }
                    parameters.put(id, byName);
                } else {
                    problems.add(problem(display, setting.getKeyNode(), "unknown setting '" + key + "' for rule " + id
                            + "; allowed: enabled, parameters (a mapping)"));
                }
            }
        }
        return new RuleSettings(enabled, parameters, file);
    }

    /** Settings naming rules that do not exist, or parameters with wrong names or values, are problems. */
    void check(Map<String, RuleDefinition> rules, String display, List<Problem> problems) {
        for (String id : enabled.keySet()) {
            if (!rules.containsKey(id)) {
                problems.add(Problem.error(display, "no rule '" + id + "' to enable or disable"));
            }
        }
        parameters.forEach((id, values) -> {
            RuleDefinition rule = rules.get(id);
            if (rule == null) {
                problems.add(Problem.error(display, "parameters given for unknown rule '" + id + "'"));
                return;
            }
            values.forEach((name, value) -> rule.checkParameter(name, value)
                    .ifPresent(problem -> problems.add(Problem.error(display, problem))));
        });
    }

    private static Node value(MappingNode mapping, String key) {
        return mapping.getValue().stream().filter(t -> key.equals(text(t.getKeyNode()))).map(NodeTuple::getValueNode)
                .findFirst().orElse(null);
    }

    private static String text(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    private static Problem problem(String display, Node node, String message) {
        return Problem.error(display, YamlFile.line(node), YamlFile.column(node), message);
    }
}
