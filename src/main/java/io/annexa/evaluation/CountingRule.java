package io.annexa.evaluation;

import java.util.stream.Collectors;

/**
 * The DRL rule a {@code count:} declaration stands for, appended to its rule's DRL before compiling: one pattern over
 * the declared kinds and constraint, and a consequence that hands each matching event to {@link Counting}. It joins
 * nothing, so a counted event costs one match, and the rule is compiled and sandbox-checked with the author's rules,
 * in their package, under their name: a failure in it is their rule's failure.
 */
final class CountingRule {

    /** The generated rule's name ends with this: {@link EventInterest} tells counting from keeping by it. */
    static final String NAME_SUFFIX = ": count (rule.yml)";

    private CountingRule() {
    }

    /** The text appended to the rule's DRL; it starts on a new line. */
    static String drl(RuleDefinition rule) {
        CountDeclaration count = rule.count();
        String kinds = count.events().stream().map(kind -> "kind == \"" + kind + "\"").collect(Collectors.joining(" || "));
        String where = count.where() == null ? "" : ", (" + count.where() + ")";
        return "\n// generated from the count: section of rule.yml\n"
                + "global " + Counting.class.getName() + " " + Counting.GLOBAL + ";\n"
                + "rule \"" + rule.id() + NAME_SUFFIX + "\"\n"
                + "when\n"
                + "    $annexaCounted : " + io.annexa.evidence.LogEvent.class.getName() + "( (" + kinds + ")" + where + " )\n"
                + "then\n"
                + "    " + Counting.GLOBAL + ".count(drools, $annexaCounted);\n"
                + "end\n";
    }

    /** Whether a DRL rule of a compiled package is a generated counting rule. */
    static boolean isCountingRule(String ruleName) {
        return ruleName.endsWith(NAME_SUFFIX);
    }
}
