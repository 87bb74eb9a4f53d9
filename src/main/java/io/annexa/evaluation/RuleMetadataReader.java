package io.annexa.evaluation;

import io.annexa.control.ControlCatalog;
import io.annexa.yaml.YamlFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads and checks {@code rule.yml}. Works on the YAML node tree rather than binding to a class so
 * that every complaint carries the line it is about, and so that control ids keep the text the author
 * wrote ({@code 8.10} is a control, not the number 8.1).
 */
final class RuleMetadataReader {

    static final String EDITION = "iso27002:2022";
    private static final Set<String> FIELDS = Set.of("id", "title", "controls", "severity", "sources", "requirement",
            "clauses", "rationale", "remediation", "parameters", "count", "overlaps");
    private static final Set<String> COUNT_FIELDS = Set.of("events", "where", "by", "distinct", "threshold", "window");
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Set<String> PARAMETER_TYPES = ParameterTypes.NAMES;

    private final ControlCatalog catalog;

    RuleMetadataReader(ControlCatalog catalog) {
        this.catalog = catalog;
    }

    /** @return the definition, or empty when problems were added */
    Optional<RuleDefinition> read(Path ruleYml, String displayPath, String drlPackage, List<Problem> problems) {
        Node root;
        try {
            root = YamlFile.read(ruleYml, displayPath).orElse(null);
        } catch (YamlFile.YamlException e) {
            problems.add(Problem.error(displayPath, e.line(), e.column(), e.getMessage()));
            return Optional.empty();
        }
        if (!(root instanceof MappingNode mapping)) {
            problems.add(Problem.error(displayPath, "must be a YAML mapping of id, title, controls, severity, ..."));
            return Optional.empty();
        }
        return new Fields(displayPath, problems).definition(mapping, ruleYml.getParent(), drlPackage);
    }

    /** One reading of one file: collects problems as it goes. */
    private final class Fields {
        private final String file;
        private final List<Problem> problems;
        private final int problemsBefore;

        Fields(String file, List<Problem> problems) {
            this.file = file;
            this.problems = problems;
            this.problemsBefore = problems.size();
        }

        Optional<RuleDefinition> definition(MappingNode root, Path folder, String drlPackage) {
            Map<String, Node> fields = new LinkedHashMap<>();
            for (NodeTuple tuple : root.getValue()) {
                String key = scalar(tuple.getKeyNode(), "field name");
                if (key == null) {
                    continue;
                }
                if (!FIELDS.contains(key)) {
                    problem(tuple.getKeyNode(), "unknown field '" + key + "'; allowed: " + String.join(", ", FIELDS.stream().sorted().toList()));
                } else if (fields.put(key, tuple.getValueNode()) != null) {
                    problem(tuple.getKeyNode(), "field '" + key + "' appears twice");
                }
            }
            String id = requiredText(fields, "id", root);
            String folderName = folder.getFileName().toString();
            if (id != null && !id.equals(folderName)) {
                problem(fields.get("id"), "id '" + id + "' must equal the rule folder name '" + folderName + "'");
            }
            String title = requiredText(fields, "title", root);
            List<String> controls = controls(fields.get("controls"), root);
            Severity severity = severity(fields.get("severity"), root);
            List<String> sources = textList(fields.get("sources"), "sources", root);
            String rationale = requiredText(fields, "rationale", root);
            String remediation = requiredText(fields, "remediation", root);
            Map<String, String> parameterTypes = new LinkedHashMap<>();
            Map<String, String> parameters = parameters(fields.get("parameters"), parameterTypes);
            String requirement = requirement(fields.get("requirement"), controls);
            List<String> clauses = clauses(fields.get("clauses"));
            CountDeclaration count = count(fields.get("count"), parameterTypes);
            List<String> overlaps = overlaps(fields.get("overlaps"), id);
            if (problems.size() > problemsBefore) {
                return Optional.empty();
            }
            return Optional.of(new RuleDefinition(id, title, controls, severity, sources, rationale, remediation,
                    parameters, folder, drlPackage, parameterTypes, requirement, clauses, count, overlaps));
        }

        /**
         * Optional: the rules this one overlaps on purpose, one id or a list. That each names a rule of the library is
         * checked once every rule is read ({@link RuleLint}).
         */
        private List<String> overlaps(Node node, String id) {
            if (node == null) {
                return List.of();
            }
            List<ScalarNode> items = node instanceof ScalarNode one ? List.of(one) : items(node, "overlaps", node);
            List<String> ids = new ArrayList<>();
            for (ScalarNode item : items) {
                String other = item.getValue().strip();
                if (other.equals(id)) {
                    problem(item, "a rule does not overlap itself; 'overlaps' names the other rules that read the same "
                            + "configuration for the same control");
                } else if (ids.contains(other)) {
                    problem(item, "rule " + other + " is listed twice in 'overlaps'");
                } else {
                    ids.add(other);
                }
            }
            return ids;
        }

        /**
         * Optional: what the engine counts for the rule ({@link CountDeclaration}). Checked here as far as it can be
         * without compiling: the constraint in {@code where} is compiled with the rule's DRL, and its errors point back
         * to this file.
         */
        private CountDeclaration count(Node node, Map<String, String> parameterTypes) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof MappingNode mapping)) {
                problem(node, "'count' must be a mapping of events, by, threshold, window (and optionally where, distinct)");
                return null;
            }
            Map<String, Node> fields = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = scalar(tuple.getKeyNode(), "field name");
                if (key != null && !COUNT_FIELDS.contains(key)) {
                    problem(tuple.getKeyNode(), "unknown field 'count." + key + "'; allowed: "
                            + String.join(", ", COUNT_FIELDS.stream().sorted().toList()));
                } else if (key != null) {
                    fields.put(key, tuple.getValueNode());
                }
            }
            int before = problems.size();
            List<String> events = new ArrayList<>();
            Node eventsNode = fields.get("events");
            if (eventsNode == null) {
                problem(node, "missing field 'count.events': the LogEvent kind or kinds to count (rules/README.md, \"Event vocabulary\")");
            } else {
                List<ScalarNode> kinds = eventsNode instanceof ScalarNode one ? List.of(one) : items(eventsNode, "count.events", node);
                for (ScalarNode kind : kinds) {
                    String name = kind.getValue().strip();
                    if (!name.matches("[a-z0-9_]+")) {
                        problem(kind, "'" + name + "' is not an event kind (lower case letters, digits and _; rules/README.md, \"Event vocabulary\")");
                    } else if (events.contains(name)) {
                        problem(kind, "event kind '" + name + "' is listed twice in count.events");
                    } else {
                        events.add(name);
                    }
                }
            }
            String by = name(fields.get("by"), "count.by", node, true);
            String distinct = name(fields.get("distinct"), "count.distinct", node, false);
            String threshold = parameterName(fields.get("threshold"), "count.threshold", "integer", parameterTypes, node);
            String window = parameterName(fields.get("window"), "count.window", "duration", parameterTypes, node);
            Node whereNode = fields.get("where");
            String where = whereNode == null ? null : scalar(whereNode, "count.where");
            if (where != null) {
                where = where.strip();
                if (where.isEmpty() || where.contains("\n") || where.contains(";") || where.contains("{") || where.contains("}")) {
                    problem(whereNode, "count.where must be one DRL constraint on one line, such as "
                            + "'attribute(\"reported_by\") == \"sshd\"' (no ; { } or line breaks)");
                } else if (!parsesAsConstraint(where)) {
                    problem(whereNode, "count.where is not a DRL constraint: " + where);
                }
            }
            if (problems.size() > before) {
                return null;
            }
            return new CountDeclaration(events, where, by, distinct, threshold, window, whereNode == null ? 0 : YamlFile.line(whereNode));
        }

        private static boolean parsesAsConstraint(String expression) {
            var parser = org.drools.drl.parser.DrlExprParserFactory.getDrlExprParser(
                    org.kie.internal.builder.conf.LanguageLevelOption.DRL6);
            var parsed = parser.parse(expression);
            return !parser.hasErrors() && parsed != null && !parsed.getDescrs().isEmpty();
        }

        private String name(Node node, String field, Node parent, boolean required) {
            if (node == null) {
                if (required) {
                    problem(parent, "missing field '" + field + "': what the events are counted by, such as 'remote' (the source address) or an attribute name");
                }
                return null;
            }
            String text = scalar(node, field);
            if (text != null && !NAME.matcher(text.strip()).matches()) {
                problem(node, field + " must name a field (remote, program) or an attribute of the events, is '" + text + "'");
                return null;
            }
            return text == null ? null : text.strip();
        }

        /** A {@code count:} field that names one of the rule's parameters, of the given type. */
        private String parameterName(Node node, String field, String type, Map<String, String> parameterTypes, Node parent) {
            if (node == null) {
                problem(parent, "missing field '" + field + "': the name of this rule's " + type + " parameter that holds it");
                return null;
            }
            String name = scalar(node, field);
            if (name == null) {
                return null;
            }
            String declared = parameterTypes.get(name.strip());
            if (declared == null) {
                problem(node, field + " names parameter '" + name.strip() + "', which this rule does not declare under 'parameters'"
                        + (parameterTypes.isEmpty() ? "" : "; it declares: " + String.join(", ", new java.util.TreeSet<>(parameterTypes.keySet()))));
                return null;
            }
            if (!declared.equals(type)) {
                problem(node, field + " names parameter '" + name.strip() + "' of type " + declared + "; it must be of type " + type);
                return null;
            }
            return name.strip();
        }

        /**
         * Optional: a clause of ISO/IEC 27001:2022 (4 to 10, e.g. 9.1 for a monitoring gap) the rule's
         * nonconformities are raised against instead of the Annex A control of its primary control.
         */
        private String requirement(Node node, List<String> controls) {
            if (node == null) {
                return null;
            }
            String text = scalar(node, "requirement");
            if (text == null) {
                return null;
            }
            String clause = text.strip();
            if (!controls.isEmpty() && clause.equals("A." + controls.get(0))) {
                return clause;
            }
            if (!catalog.containsClause(clause)) {
                problem(node, "'" + clause + "' is not an ISO/IEC 27001:2022 clause (4 ... 10.2, e.g. \"9.1\"); "
                        + "leave 'requirement' out to raise nonconformities against Annex A"
                        + (controls.isEmpty() ? "" : " (A." + controls.get(0) + ")"));
                return null;
            }
            return clause;
        }

        /**
         * Optional: the ISO/IEC 27001:2022 clauses a nonconformity of this rule breaches, instead of those the
         * register's configuration names for its kind of nonconformity.
         */
        private List<String> clauses(Node node) {
            if (node == null) {
                return List.of();
            }
            List<String> ids = new ArrayList<>();
            for (ScalarNode item : items(node, "clauses", node)) {
                String clause = item.getValue().strip();
                if (!catalog.containsClause(clause)) {
                    problem(item, "'" + clause + "' is not an ISO/IEC 27001:2022 clause (4 ... 10.2, e.g. \"8.1\")"
                            + (clause.startsWith("A.") ? "; Annex A controls belong in 'controls'" : ""));
                } else if (ids.contains(clause)) {
                    problem(item, "clause " + clause + " is listed twice");
                } else {
                    ids.add(clause);
                }
            }
            return ids;
        }

        private List<String> controls(Node node, Node parent) {
            if (node == null) {
                problem(parent, "missing field 'controls' (for example: controls: { " + EDITION + ": [\"8.5\"] })");
                return List.of();
            }
            if (!(node instanceof MappingNode mapping)) {
                problem(node, "'controls' must map an edition to control ids: { " + EDITION + ": [\"8.5\"] }");
                return List.of();
            }
            List<String> ids = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String edition = scalar(tuple.getKeyNode(), "edition");
                if (!EDITION.equals(edition)) {
                    problem(tuple.getKeyNode(), "unknown standard edition '" + edition + "' in 'controls'; use " + EDITION);
                    continue;
                }
                for (ScalarNode item : items(tuple.getValueNode(), "controls." + EDITION, tuple.getKeyNode())) {
                    String control = item.getValue().strip();
                    if (!catalog.contains(control)) {
                        problem(item, "'" + control + "' is not an ISO/IEC 27002:2022 control id (5.1 ... 8.34)");
                    } else if (ids.contains(control)) {
                        problem(item, "control " + control + " is listed twice");
                    } else {
                        ids.add(control);
                    }
                }
            }
            if (ids.isEmpty() && problems.size() == problemsBefore) {
                problem(node, "'controls' names no " + EDITION + " control");
            }
            return ids;
        }

        private Severity severity(Node node, Node parent) {
            if (node == null) {
                problem(parent, "missing field 'severity' (low, medium, high or critical)");
                return null;
            }
            String text = scalar(node, "severity");
            try {
                return text == null ? null : Severity.parse(text);
            } catch (IllegalArgumentException e) {
                problem(node, "severity '" + text + "' is not one of low, medium, high, critical");
                return null;
            }
        }

        private Map<String, String> parameters(Node node, Map<String, String> types) {
            Map<String, String> defaults = new LinkedHashMap<>();
            if (node == null) {
                return defaults;
            }
            if (!(node instanceof MappingNode mapping)) {
                problem(node, "'parameters' must map each parameter name to { type, default, description }");
                return defaults;
            }
            for (NodeTuple tuple : mapping.getValue()) {
                String name = scalar(tuple.getKeyNode(), "parameter name");
                if (!(tuple.getValueNode() instanceof MappingNode spec)) {
                    problem(tuple.getValueNode(), "parameter '" + name + "' must be a mapping with type and default");
                    continue;
                }
                Map<String, Node> specFields = new LinkedHashMap<>();
                spec.getValue().forEach(t -> specFields.put(scalar(t.getKeyNode(), "field name"), t.getValueNode()));
                String type = specFields.containsKey("type") ? scalar(specFields.get("type"), "type") : null;
                if (type == null || !PARAMETER_TYPES.contains(type)) {
                    problem(spec, "parameter '" + name + "' needs a type: one of " + String.join(", ", PARAMETER_TYPES.stream().sorted().toList()));
                }
                String value = specFields.containsKey("default") ? scalar(specFields.get("default"), "default") : null;
                if (value == null) {
                    problem(spec, "parameter '" + name + "' needs a default");
                } else if (type != null && ParameterTypes.check(type, value).isPresent()) {
                    problem(specFields.get("default"), "default of parameter '" + name + "': " + ParameterTypes.check(type, value).get());
                } else {
                    defaults.put(name, value);
                    types.put(name, type);
                }
            }
            return defaults;
        }

        private String requiredText(Map<String, Node> fields, String name, Node parent) {
            Node node = fields.get(name);
            if (node == null) {
                problem(parent, "missing field '" + name + "'");
                return null;
            }
            String text = scalar(node, name);
            if (text != null && text.isBlank()) {
                problem(node, "'" + name + "' is empty");
            }
            return text;
        }

        private List<String> textList(Node node, String name, Node parent) {
            return items(node, name, parent).stream().map(item -> item.getValue().strip()).toList();
        }

        /** The items of a non-empty list of single values, each with its own position for problems. */
        private List<ScalarNode> items(Node node, String name, Node parent) {
            if (node == null) {
                problem(parent, "missing field '" + name + "'");
                return List.of();
            }
            if (!(node instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
                problem(node, "'" + name + "' must be a non-empty list");
                return List.of();
            }
            List<ScalarNode> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                if (scalar(item, name + " item") != null) {
                    items.add((ScalarNode) item);
                }
            }
            return items;
        }

        private String scalar(Node node, String what) {
            if (node instanceof ScalarNode scalar) {
                return scalar.getValue();
            }
            problem(node, what + " must be a single value");
            return null;
        }

        private void problem(Node node, String message) {
            problems.add(Problem.error(file, YamlFile.line(node), YamlFile.column(node), message));
        }
    }
}
