package io.annexa.evaluation;

import io.annexa.evidence.RuleParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code RuleParameter(rule == "x", name == "y")} condition must name a rule of the library and a parameter its
 * rule.yml declares: with a typo the condition never matches, the rule never fires, and a scenario only says "no
 * finding" (with the hand-written counting rules of old, it made the rule loop).
 */
final class ParameterReferenceCheck {

    private static final Set<String> ANY = Set.of(EventInterest.ALL_KINDS);

    private ParameterReferenceCheck() {
    }

    static List<Problem> check(RuleLint.Linted linted, Map<String, RuleDefinition> library) {
        List<Problem> problems = new ArrayList<>();
        DrlOutline drl = linted.drl();
        for (DrlOutline.Rule rule : drl.rules()) {
            for (DrlOutline.Pattern pattern : rule.patterns()) {
                if (drl.isOf(pattern, RuleParameter.class)) {
                    problems.addAll(check(linted, pattern, library));
                }
            }
        }
        return problems;
    }

    private static List<Problem> check(RuleLint.Linted linted, DrlOutline.Pattern pattern, Map<String, RuleDefinition> library) {
        List<Problem> problems = new ArrayList<>();
        Set<String> rules = linted.drl().literals(pattern, "rule");
        Set<String> names = linted.drl().literals(pattern, "name");
        if (!rules.equals(ANY)) {
            for (String id : rules) {
                RuleDefinition named = library.get(id);
                if (named == null) {
                    problems.add(linted.error(offsetOf(linted, pattern, "rule", id), "RuleParameter names rule \"" + id
                            + "\", which is not a rule of the library, so this condition never matches"
                            + Suggestions.didYouMean(id, library.keySet())));
                    continue;
                }
                if (!names.equals(ANY)) {
                    for (String name : names) {
                        if (!named.parameterTypes().containsKey(name)) {
                            problems.add(linted.error(offsetOf(linted, pattern, "name", name), "rule " + id
                                    + " declares no parameter \"" + name + "\", so this condition never matches; "
                                    + declared(named) + Suggestions.didYouMean(name, named.parameterTypes().keySet())));
                        }
                    }
                }
            }
        } else if (!names.equals(ANY)) {
            Set<String> declared = new TreeSet<>();
            library.values().forEach(rule -> declared.addAll(rule.parameterTypes().keySet()));
            for (String name : names) {
                if (!declared.contains(name)) {
                    problems.add(linted.error(offsetOf(linted, pattern, "name", name), "no rule declares a parameter \""
                            + name + "\", so this condition never matches" + Suggestions.didYouMean(name, declared)));
                }
            }
        }
        return problems;
    }

    private static String declared(RuleDefinition rule) {
        return rule.parameterTypes().isEmpty() ? "its rule.yml declares none under 'parameters'"
                : "its rule.yml declares: " + String.join(", ", new TreeSet<>(rule.parameterTypes().keySet()));
    }

    /** Where the literal is written: in the constraint that pins the property to it. */
    private static int offsetOf(RuleLint.Linted linted, DrlOutline.Pattern pattern, String property, String literal) {
        for (DrlOutline.Constraint constraint : pattern.constraints()) {
            if (linted.drl().literals(constraint, property).contains(literal)) {
                return linted.drl().literalOffset(constraint, literal);
            }
        }
        return pattern.start();
    }
}
