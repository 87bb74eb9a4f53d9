package io.annexa.evaluation;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.kie.api.runtime.rule.RuleContext;

/**
 * The {@code findings} global every rule uses. It knows which rule is firing from the DRL package,
 * which is the rule folder's path, so a rule cannot raise a finding under another rule's id.
 */
public final class FindingFactory {

    public static final String GLOBAL = "findings";

    private final Map<String, RuleDefinition> rulesByPackage;

    FindingFactory(Iterable<RuleDefinition> rules) {
        this.rulesByPackage = java.util.stream.StreamSupport.stream(rules.spliterator(), false)
                .collect(Collectors.toUnmodifiableMap(RuleDefinition::drlPackage, Function.identity()));
    }

    /** A finding that holds while the facts behind it hold: raise it with {@code insertLogical}. */
    public Finding of(RuleContext drools, String asset, String evidence) {
        RuleDefinition rule = ruleOf(drools);
        return new Finding(rule.id(), rule.controls(), asset, rule.severity(), evidence);
    }

    /** How an ISO/IEC 27002:2022 control id looks (5.1 ... 8.34): what a source's own citation may name. */
    private static final java.util.regex.Pattern CONTROL_ID = java.util.regex.Pattern.compile("[5-8]\\.[1-9][0-9]?");

    /**
     * A finding whose evidence cites its own controls and severity, as a scanner's check does (an OpenSCAP check
     * mapped to 8.8 and 8.32, severity medium): the nonconformity is raised against those, not the rule.yml's. Ids
     * that are not ISO/IEC 27002:2022 control ids are left out; with none left, or a severity that is not
     * low, medium, high or critical, the rule.yml's stand.
     *
     * @param controls ISO/IEC 27002:2022 control ids, the main one first
     * @param severity {@code low}, {@code medium}, {@code high} or {@code critical}, any case
     */
    public Finding of(RuleContext drools, String asset, String evidence, java.util.List<String> controls, String severity) {
        RuleDefinition rule = ruleOf(drools);
        java.util.List<String> cited = controls == null ? java.util.List.of()
                : controls.stream().filter(id -> id != null && CONTROL_ID.matcher(id).matches()).distinct().toList();
        Severity level = rule.severity();
        if (severity != null && java.util.Set.of("low", "medium", "high", "critical").contains(severity.strip().toLowerCase(java.util.Locale.ROOT))) {
            level = Severity.parse(severity);
        }
        return new Finding(rule.id(), cited.isEmpty() ? rule.controls() : cited, asset, level, evidence);
    }

    /**
     * Something that happened and stays a nonconformity after the events behind it have expired: raise it
     * with plain {@code insert}. The session reports it once and then removes it from working memory.
     */
    public Finding incident(RuleContext drools, String asset, String evidence) {
        RuleDefinition rule = ruleOf(drools);
        return new Finding(rule.id(), rule.controls(), asset, rule.severity(), evidence, true);
    }

    /**
     * An incident for a {@link Burst} the engine counted, with the burst as evidence: the key, the count (or the
     * distinct values), the first and last event and the threshold and window.
     */
    public Finding incident(RuleContext drools, Burst burst) {
        return incident(drools, burst.getAsset(), burst.evidence(null));
    }

    /**
     * The same, naming what was counted: {@code incident(drools, $b, "failed SSH authentications")} gives
     * {@code source 203.0.113.7: 5 failed SSH authentications from ... to ... (threshold 5 within 10m)}.
     */
    public Finding incident(RuleContext drools, Burst burst, String counted) {
        return incident(drools, burst.getAsset(), burst.evidence(counted));
    }

    /**
     * The ISO/IEC 27002:2022 controls whose rules read evidence of kind {@code source}, as "8.5, 8.15": what a
     * silent source leaves unmonitored. "none" when no rule reads it.
     */
    public String controlsEvidencedBy(String source) {
        String controls = rulesByPackage.values().stream()
                .filter(rule -> rule.sources().contains(source))
                .flatMap(rule -> rule.controls().stream())
                .distinct()
                .sorted(java.util.Comparator.comparing(FindingFactory::controlOrder))
                .collect(Collectors.joining(", "));
        return controls.isEmpty() ? "none" : controls;
    }

    private static String controlOrder(String id) {
        String[] parts = id.split("\\.");
        return String.format("%3s.%3s", parts[0], parts.length > 1 ? parts[1] : "");
    }

    private RuleDefinition ruleOf(RuleContext drools) {
        String pkg = drools.getRule().getPackageName();
        RuleDefinition rule = rulesByPackage.get(pkg);
        if (rule == null) {
            throw new IllegalStateException("DRL package '" + pkg + "' of rule '" + drools.getRule().getName()
                    + "' is not a rule folder with a rule.yml");
        }
        return rule;
    }
}
