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
