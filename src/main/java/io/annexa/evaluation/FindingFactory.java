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
