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

    public Finding of(RuleContext drools, String asset, String evidence) {
        String pkg = drools.getRule().getPackageName();
        RuleDefinition rule = rulesByPackage.get(pkg);
        if (rule == null) {
            throw new IllegalStateException("DRL package '" + pkg + "' of rule '" + drools.getRule().getName()
                    + "' is not a rule folder with a rule.yml");
        }
        return new Finding(rule.id(), rule.controls(), asset, rule.severity(), evidence);
    }
}
