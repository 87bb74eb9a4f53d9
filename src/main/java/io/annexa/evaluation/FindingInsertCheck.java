package io.annexa.evaluation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A state finding ({@code findings.of(...)}) raised with plain {@code insert} never goes away: only
 * {@code insertLogical} ties it to the evidence, so that fixing the file resolves the nonconformity. Found in the
 * consequence's text, directly ({@code insert(findings.of(...))}) or through a variable assigned from
 * {@code findings.of(...)}.
 */
final class FindingInsertCheck {

    static final String MESSAGE = "findings.of(...) is a state finding: raise it with insertLogical, so it goes when "
            + "its evidence goes; plain insert is for findings.incident(...)";

    private FindingInsertCheck() {
    }

    static List<Problem> check(RuleLint.Linted linted) {
        DrlOutline drl = linted.drl();
        List<String> factories = drl.globalsOf(FindingFactory.class);
        if (factories.isEmpty()) {
            return List.of();
        }
        String factory = "(?:" + String.join("|", factories.stream().map(Pattern::quote).toList()) + ")\\s*\\.\\s*of\\s*\\(";
        Pattern direct = Pattern.compile("(?<![\\w$.])(?:drools\\s*\\.\\s*)?insert\\s*\\(\\s*" + factory);
        Pattern assigned = Pattern.compile("(?<![\\w$.])([\\w$]+)\\s*=\\s*" + factory);
        String code = drl.withoutComments();
        List<Problem> problems = new ArrayList<>();
        for (DrlOutline.Rule rule : drl.rules()) {
            String consequence = code.substring(rule.consequenceStart(), rule.consequenceEnd());
            Matcher inserted = direct.matcher(consequence);
            while (inserted.find()) {
                problems.add(linted.error(rule.consequenceStart() + inserted.start(), MESSAGE));
            }
            Set<String> variables = new HashSet<>();
            Matcher assignment = assigned.matcher(consequence);
            while (assignment.find()) {
                variables.add(assignment.group(1));
            }
            for (String variable : variables) {
                Matcher insertedVariable = Pattern.compile("(?<![\\w$.])(?:drools\\s*\\.\\s*)?insert\\s*\\(\\s*"
                        + Pattern.quote(variable) + "\\s*\\)").matcher(consequence);
                while (insertedVariable.find()) {
                    problems.add(linted.error(rule.consequenceStart() + insertedVariable.start(), MESSAGE));
                }
            }
        }
        return problems;
    }
}
