package io.annexa.register.policy;

import io.annexa.evaluation.Severity;
import io.annexa.evidence.RuleParameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads {@code config/register.yml}: which clauses nonconformities breach, how they are graded, escalated and
 * closed. Every key is optional with the default of {@link RegisterPolicy#defaults()}; a key that is given must be
 * right, and every problem is reported with file, line, column and field before anything applies.
 * <pre>
 * requirements:
 *   control-not-operating: ["6.1.3", "8.1"]
 *   monitoring-gap: ["9.1"]
 * grading:
 *   default-criticality: medium
 *   matrix:                               # rule severity: {asset criticality: grade}, all 16 cells
 *     critical: {low: major, medium: major, high: major, critical: major}
 *     ...
 * escalation:
 *   overdue: major
 *   recurrence: major
 *   recurrence-window: 30d
 * lifecycle:
 *   effectiveness-period: 7d
 *   max-risk-acceptance: 365d
 *   risk-expiry-warning: 7d
 * </pre>
 */
public final class RegisterPolicyReader {

    static final long MAX_BYTES = 256 * 1024;
    /** Longer than anything a register period can mean, short enough that adding it to an instant never overflows. */
    static final Duration MAX_DURATION = Duration.ofDays(3650);
    static final Duration MAX_RISK_ACCEPTANCE = Duration.ofDays(366);

    private static final String DURATION_FORMS = "30d, 12h, 15m, 45s or ISO-8601 such as P30D";

    private RegisterPolicyReader() {
    }

    /** @return the policy; an absent or empty file means {@link RegisterPolicy#defaults()} */
    public static RegisterPolicy read(Path file) throws RegisterConfigException {
        if (!Files.exists(file)) {
            return RegisterPolicy.defaults();
        }
        ConfigYaml yaml = ConfigYaml.open(file, MAX_BYTES);
        Node root = yaml.root().orElse(null);
        if (root == null) {
            return RegisterPolicy.defaults();
        }
        if (!(root instanceof MappingNode top)) {
            yaml.problem(root, ConfigYaml.WHOLE_FILE, "must be a mapping of requirements, grading, escalation and lifecycle");
            yaml.throwIfAny();
            return RegisterPolicy.defaults();
        }
        RegisterPolicy.Builder policy = new RegisterPolicy.Builder();
        new Sections(yaml, policy).read(top);
        yaml.throwIfAny();
        return policy.build();
    }

    /** One reading: each key found overwrites its default in the builder. */
    private static final class Sections {
        private final ConfigYaml yaml;
        private final RegisterPolicy.Builder policy;

        Sections(ConfigYaml yaml, RegisterPolicy.Builder policy) {
            this.yaml = yaml;
            this.policy = policy;
        }

        void read(MappingNode top) {
            Map<String, NodeTuple> sections = yaml.fields(top, "", Set.of("requirements", "grading", "escalation", "lifecycle"));
            section(sections, "requirements", Set.of("control-not-operating", "monitoring-gap")).ifPresent(keys -> {
                with(keys, "control-not-operating", node -> clauses(node, "requirements.control-not-operating")
                        .ifPresent(ids -> policy.controlNotOperatingClauses = ids));
                with(keys, "monitoring-gap", node -> clauses(node, "requirements.monitoring-gap")
                        .ifPresent(ids -> policy.monitoringGapClauses = ids));
            });
            section(sections, "grading", Set.of("default-criticality", "matrix")).ifPresent(keys -> {
                with(keys, "default-criticality", node -> criticality(node, "grading.default-criticality")
                        .ifPresent(c -> policy.defaultCriticality = c));
                with(keys, "matrix", this::matrix);
            });
            section(sections, "escalation", Set.of("overdue", "recurrence", "recurrence-window")).ifPresent(keys -> {
                with(keys, "overdue", node -> grade(node, "escalation.overdue").ifPresent(g -> policy.overdueGrade = g));
                with(keys, "recurrence", node -> grade(node, "escalation.recurrence").ifPresent(g -> policy.recurrenceGrade = g));
                with(keys, "recurrence-window", node -> duration(node, "escalation.recurrence-window", MAX_DURATION)
                        .ifPresent(d -> policy.recurrenceWindow = d));
            });
            section(sections, "lifecycle", Set.of("effectiveness-period", "max-risk-acceptance", "risk-expiry-warning")).ifPresent(keys -> {
                with(keys, "effectiveness-period", node -> duration(node, "lifecycle.effectiveness-period", MAX_DURATION)
                        .ifPresent(d -> policy.effectivenessPeriod = d));
                with(keys, "max-risk-acceptance", node -> duration(node, "lifecycle.max-risk-acceptance", MAX_RISK_ACCEPTANCE)
                        .ifPresent(d -> policy.maxRiskAcceptance = d));
                with(keys, "risk-expiry-warning", node -> duration(node, "lifecycle.risk-expiry-warning", MAX_DURATION)
                        .ifPresent(d -> policy.riskExpiryWarning = d));
            });
        }

        /** The keys of a section; a section left empty ({@code escalation:} with its keys commented out) has none. */
        private Optional<Map<String, NodeTuple>> section(Map<String, NodeTuple> sections, String name, Set<String> keys) {
            NodeTuple tuple = sections.get(name);
            if (tuple == null || ConfigYaml.isNull(tuple.getValueNode())) {
                return Optional.empty();
            }
            if (!(tuple.getValueNode() instanceof MappingNode mapping)) {
                yaml.problem(tuple.getValueNode(), name, "must be a mapping of " + String.join(", ", keys.stream().sorted().toList()));
                return Optional.empty();
            }
            return Optional.of(yaml.fields(mapping, name, keys));
        }

        private static void with(Map<String, NodeTuple> keys, String key, Consumer<Node> read) {
            NodeTuple tuple = keys.get(key);
            if (tuple != null) {
                read.accept(tuple.getValueNode());
            }
        }

        private Optional<List<String>> clauses(Node node, String field) {
            if (!(node instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
                yaml.problem(node, field, "must be a non-empty list of ISO/IEC 27001:2022 clauses, e.g. [\"9.1\"]");
                return Optional.empty();
            }
            int before = yaml.problemCount();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Node item = sequence.getValue().get(i);
                String itemField = field + "[" + i + "]";
                String id = yaml.text(item, itemField);
                if (id == null) {
                    continue;
                }
                Optional<String> problem = ids.contains(id) ? Optional.of("clause " + id + " is listed twice") : Clauses.problem(id);
                if (problem.isPresent()) {
                    yaml.problem(item, itemField, problem.get());
                } else {
                    ids.add(id);
                }
            }
            return yaml.problemCount() == before ? Optional.of(ids) : Optional.empty();
        }

        /** All sixteen cells or none: a half-written matrix would leave grades nobody chose. */
        private void matrix(Node node) {
            if (!(node instanceof MappingNode rows)) {
                yaml.problem(node, "grading.matrix", "must map each rule severity to {asset criticality: grade}");
                return;
            }
            int before = yaml.problemCount();
            Set<String> severities = Arrays.stream(Severity.values()).map(Severity::label).collect(Collectors.toSet());
            Set<String> criticalities = Arrays.stream(Criticality.values()).map(Criticality::label).collect(Collectors.toSet());
            Map<Severity, Set<Criticality>> given = new EnumMap<>(Severity.class);
            List<Runnable> apply = new ArrayList<>();
            for (Map.Entry<String, NodeTuple> row : yaml.fields(rows, "grading.matrix", severities).entrySet()) {
                Severity severity = Severity.parse(row.getKey());
                String rowField = "grading.matrix." + row.getKey();
                Node rowNode = row.getValue().getValueNode();
                Set<Criticality> cells = given.computeIfAbsent(severity, s -> EnumSet.noneOf(Criticality.class));
                if (ConfigYaml.isNull(rowNode)) {
                    continue;
                }
                if (!(rowNode instanceof MappingNode columns)) {
                    yaml.problem(rowNode, rowField, "must map each asset criticality to a grade: {low: ..., medium: ..., high: ..., critical: ...}");
                    continue;
                }
                for (Map.Entry<String, NodeTuple> cell : yaml.fields(columns, rowField, criticalities).entrySet()) {
                    Criticality criticality = Criticality.parse(cell.getKey());
                    cells.add(criticality);
                    grade(cell.getValue().getValueNode(), rowField + "." + cell.getKey())
                            .ifPresent(grade -> apply.add(() -> policy.grade(severity, criticality, grade)));
                }
            }
            List<String> missing = new ArrayList<>();
            for (Severity severity : Severity.values()) {
                for (Criticality criticality : Criticality.values()) {
                    if (!given.getOrDefault(severity, Set.of()).contains(criticality)) {
                        missing.add(severity.label() + "." + criticality.label());
                    }
                }
            }
            if (!missing.isEmpty()) {
                yaml.problem(node, "grading.matrix", "missing cells (severity.criticality): " + String.join(", ", missing)
                        + "; give all " + Severity.values().length * Criticality.values().length
                        + " or leave 'matrix' out for the default");
            }
            if (yaml.problemCount() == before) {
                apply.forEach(Runnable::run);
            }
        }

        private Optional<Grade> grade(Node node, String field) {
            String text = yaml.text(node, field);
            if (text == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(Grade.parse(text));
            } catch (IllegalArgumentException e) {
                yaml.problem(node, field, "'" + ConfigYaml.shown(text) + "' is not one of " + Grade.ALLOWED);
                return Optional.empty();
            }
        }

        private Optional<Criticality> criticality(Node node, String field) {
            String text = yaml.text(node, field);
            if (text == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(Criticality.parse(text));
            } catch (IllegalArgumentException e) {
                yaml.problem(node, field, "'" + ConfigYaml.shown(text) + "' is not one of " + Criticality.ALLOWED);
                return Optional.empty();
            }
        }

        private Optional<Duration> duration(Node node, String field, Duration max) {
            String text = yaml.text(node, field);
            if (text == null) {
                return Optional.empty();
            }
            Duration duration;
            try {
                duration = RuleParameter.parseDuration(text);
            } catch (RuntimeException e) {
                yaml.problem(node, field, "'" + ConfigYaml.shown(text) + "' is not a duration like " + DURATION_FORMS);
                return Optional.empty();
            }
            if (duration.isZero() || duration.isNegative()) {
                yaml.problem(node, field, "'" + text + "' must be longer than zero");
                return Optional.empty();
            }
            if (duration.compareTo(max) > 0) {
                yaml.problem(node, field, "'" + text + "' is longer than the " + max.toDays() + " days allowed");
                return Optional.empty();
            }
            return Optional.of(duration);
        }
    }
}
