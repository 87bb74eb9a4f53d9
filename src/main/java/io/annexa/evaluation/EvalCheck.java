package io.annexa.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code eval(...)} that reads variables bound by the rule's patterns: Drools then evaluates it after every join
 * and warns about it in its log only, where the rule tests cannot see it. Said here as a build warning instead, so
 * that the guide's "warnings fail the rule tests" holds for it too. Such a condition belongs in the last pattern it
 * reads from, as a constraint.
 */
final class EvalCheck {

    /** {@code $x : field} or {@code x : field}, not {@code :=} (unification). */
    private static final Pattern BINDING = Pattern.compile("(?<![\\w$])([$A-Za-z_][\\w$]*)\\s*:(?!=)");

    private EvalCheck() {
    }

    static List<Problem> check(RuleLint.Linted linted) {
        List<Problem> problems = new ArrayList<>();
        for (DrlOutline.Rule rule : linted.drl().rules()) {
            if (rule.evals().isEmpty()) {
                continue;
            }
            Set<String> bound = new LinkedHashSet<>();
            for (DrlOutline.Pattern pattern : rule.patterns()) {
                if (pattern.binding() != null) {
                    bound.add(pattern.binding());
                }
                for (DrlOutline.Constraint constraint : pattern.constraints()) {
                    Matcher binding = BINDING.matcher(constraint.expression());
                    while (binding.find()) {
                        bound.add(binding.group(1));
                    }
                }
            }
            for (DrlOutline.Eval eval : rule.evals()) {
                List<String> read = bound.stream()
                        .filter(name -> Pattern.compile("(?<![\\w$])" + Pattern.quote(name) + "(?![\\w$])").matcher(eval.expression()).find())
                        .toList();
                if (!read.isEmpty()) {
                    problems.add(linted.warning(eval.start(), "eval(...) reads " + String.join(", ", read)
                            + " from the patterns above it: Drools evaluates it after every join of them, and only"
                            + " logs a warning. Write it as a constraint of the last pattern it reads from"
                            + " (rules/README.md, \"Common mistakes\")"));
                }
            }
        }
        return problems;
    }
}
