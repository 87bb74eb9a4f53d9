package io.annexa.evaluation;

import io.annexa.evidence.ConfigEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two enabled rules that read the same configuration entry (source and key, named by literals as
 * {@link ConfigInterest} reads them) for the same primary control probably check the same thing twice, and one
 * misconfiguration would open two nonconformities: a warning naming both, which the rule tests refuse. Rules that
 * overlap on purpose say so in rule.yml ({@code overlaps: other_rule}); each rule named there must exist.
 */
final class DuplicateRuleCheck {

    private static final Set<String> ANY = Set.of(EventInterest.ALL_KINDS);

    private DuplicateRuleCheck() {
    }

    /** @param linted the enabled rules, in file order; the warning goes to the later rule of a pair */
    static List<Problem> check(List<RuleLint.Linted> linted, Map<String, RuleDefinition> library) {
        List<Problem> problems = new ArrayList<>();
        for (RuleLint.Linted rule : linted) {
            for (String other : rule.rule().overlaps()) {
                if (!library.containsKey(other)) {
                    problems.add(rule.ruleYmlError(other, "overlaps names \"" + other + "\", which is not a rule of the library"
                            + Suggestions.didYouMean(other, library.keySet()), "overlaps"));
                }
            }
        }
        List<Map<String, Integer>> reads = linted.stream().map(DuplicateRuleCheck::entriesRead).toList();
        for (int later = 0; later < linted.size(); later++) {
            RuleDefinition b = linted.get(later).rule();
            for (int earlier = 0; earlier < later; earlier++) {
                RuleDefinition a = linted.get(earlier).rule();
                if (!a.primaryControl().equals(b.primaryControl()) || a.overlaps().contains(b.id()) || b.overlaps().contains(a.id())) {
                    continue;
                }
                List<String> shared = reads.get(later).keySet().stream().filter(reads.get(earlier)::containsKey).toList();
                if (!shared.isEmpty()) {
                    problems.add(linted.get(later).warning(reads.get(later).get(shared.get(0)), "likely duplicate of rule "
                            + a.id() + " (" + linted.get(earlier).drlFile() + "): both read " + String.join(", ", shared)
                            + " for control " + b.primaryControl() + ", so one misconfiguration would open two "
                            + "nonconformities. Extend that rule instead; or, if both are needed, say why in this rule.yml "
                            + "with 'overlaps: " + a.id() + "'"));
                }
            }
        }
        return problems;
    }

    /** {@code source:key} → where the first pattern reading it starts, for patterns that pin both with literals. */
    private static Map<String, Integer> entriesRead(RuleLint.Linted linted) {
        Map<String, Integer> read = new LinkedHashMap<>();
        DrlOutline drl = linted.drl();
        for (DrlOutline.Rule rule : drl.rules()) {
            for (DrlOutline.Pattern pattern : rule.patterns()) {
                if (!drl.isOf(pattern, ConfigEntry.class) || !pattern.fromWorkingMemory() || !pattern.defaultEntryPoint()) {
                    continue;
                }
                Set<String> sources = drl.literals(pattern, "source");
                Set<String> keys = drl.literals(pattern, "key");
                if (sources.equals(ANY) || keys.equals(ANY)) {
                    continue; // reads a whole source, or every source: compares nothing in particular
                }
                for (String source : new java.util.TreeSet<>(sources)) {
                    for (String key : new java.util.TreeSet<>(keys)) {
                        read.putIfAbsent(source + ":" + key, pattern.start());
                    }
                }
            }
        }
        return read;
    }
}
