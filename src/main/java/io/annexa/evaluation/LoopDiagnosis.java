package io.annexa.evaluation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.core.common.PropagationContext;
import org.drools.core.rule.consequence.InternalMatch;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.AgendaFilter;

/**
 * Which rules keep a loop going, once rules did not settle within the firing limit. The rule with the most firings
 * is not necessarily the culprit: a sound rule that fires once for each fact a looping rule inserts fires as often,
 * or more. So the loop is watched for a further {@link #SAMPLE} firings, noting for each firing which rule's
 * consequence made its match (Drools keeps that rule in the match's propagation context: the rule whose insert,
 * update or modify created or changed the facts matched). The rules that re-activate themselves, directly or through
 * each other, loop; a rule only activated by them does not.
 *
 * <p>Watched only after the limit was reached, so a sound evaluation pays nothing for it.
 */
final class LoopDiagnosis {

    /** Enough firings to see who re-activates whom; few beside the firing limit. */
    static final int SAMPLE = 10_000;

    /** What usually makes a rule loop in this rule language, for the analyst reading the message. */
    static final String USUAL_CAUSES = "In DRL a rule loops when its own actions match its conditions again: a modify or"
            + " update of a fact its conditions read (add a condition that is false once the change is made, or change"
            + " only fields it does not read), or an insert of a fact its conditions match (a plain insert of a new,"
            + " equal fact on every firing: insert it only when it is not there yet, or use insertLogical). Counting"
            + " events never needs either: declare count: in rule.yml and the engine counts.";

    /** A DRL rule that kept the loop going: its rule (DRL package), its name, and how often it fired while watched. */
    record Looping(String drlPackage, String ruleName, long firings) {
    }

    private final Map<RuleImpl, Long> fired = new HashMap<>();
    /** Fired rule → the rules whose consequences made its matches → how many. */
    private final Map<RuleImpl, Map<RuleImpl, Long>> causes = new HashMap<>();
    private boolean settled;

    private LoopDiagnosis() {
    }

    /**
     * Fires at most {@link #SAMPLE} more matches, watching who activates whom.
     *
     * @throws org.kie.api.runtime.rule.ConsequenceException as {@link KieSession#fireAllRules} does
     */
    static LoopDiagnosis watch(KieSession session, AgendaFilter filter) {
        LoopDiagnosis diagnosis = new LoopDiagnosis();
        DefaultAgendaEventListener listener = new DefaultAgendaEventListener() {
            @Override
            public void beforeMatchFired(BeforeMatchFiredEvent event) {
                diagnosis.record(event.getMatch());
            }
        };
        session.addEventListener(listener);
        try {
            diagnosis.settled = session.fireAllRules(filter, SAMPLE) < SAMPLE;
        } finally {
            session.removeEventListener(listener);
        }
        return diagnosis;
    }

    private void record(org.kie.api.runtime.rule.Match match) {
        if (!(match instanceof InternalMatch internal)) {
            return;
        }
        RuleImpl rule = internal.getRule();
        fired.merge(rule, 1L, Long::sum);
        PropagationContext context = internal.getPropagationContext();
        RuleImpl origin = context == null ? null : context.getRuleOrigin();
        if (origin != null) {
            causes.computeIfAbsent(rule, r -> new HashMap<>()).merge(origin, 1L, Long::sum);
        }
    }

    /** Whether the rules came to rest while watched: then they did not loop, they only had much to do. */
    boolean settled() {
        return settled;
    }

    /**
     * The DRL rules that re-activated themselves, directly or through each other, while watched, most firings first.
     * When none did (matches made from outside the rules only), the rules that fired while watched, as suspects.
     */
    List<Looping> looping() {
        Set<RuleImpl> cyclic = new LinkedHashSet<>();
        for (RuleImpl rule : fired.keySet()) {
            if (activatesItself(rule)) {
                cyclic.add(rule);
            }
        }
        Set<RuleImpl> named = cyclic.isEmpty() ? fired.keySet() : cyclic;
        List<Looping> looping = new ArrayList<>();
        for (RuleImpl rule : named) {
            looping.add(new Looping(rule.getPackageName(), rule.getName(), fired.get(rule)));
        }
        looping.sort(Comparator.comparingLong(Looping::firings).reversed().thenComparing(Looping::ruleName));
        return looping;
    }

    /** Whether the loop was seen to run through rule consequences (not only through matches made from outside). */
    boolean throughConsequences() {
        return fired.keySet().stream().anyMatch(this::activatesItself);
    }

    /**
     * The rules (DRL packages) to stop: those of {@link #looping()}. When no rule was seen re-activating itself, only
     * the one that fired most while watched: the others may well be innocent, and stopping one at a time still ends
     * the evaluation.
     */
    List<String> drlPackages() {
        Set<String> packages = new LinkedHashSet<>();
        looping().forEach(l -> packages.add(l.drlPackage()));
        List<String> all = List.copyOf(packages);
        return throughConsequences() || all.isEmpty() ? all : all.subList(0, 1);
    }

    /**
     * What to tell the analyst: which rule loops (or which rules, one of them), how it was seen, and what usually
     * causes it.
     */
    String explain(int limit) {
        List<Looping> looping = looping();
        Map<String, List<Looping>> byRule = new LinkedHashMap<>();
        looping.forEach(l -> byRule.computeIfAbsent(ruleId(l.drlPackage()), r -> new ArrayList<>()).add(l));
        String rules = String.join("; ", byRule.entrySet().stream().map(e -> "rule " + e.getKey() + " (DRL rule"
                + (e.getValue().size() == 1 ? " " : "s ") + String.join(", ", e.getValue().stream()
                .map(l -> "\"" + l.ruleName() + "\", " + l.firings() + " firings").toList()) + ")").toList());
        String who;
        if (!throughConsequences()) {
            who = "no rule was seen re-activating itself, one of these rules fired in the last " + SAMPLE + " firings: "
                    + rules;
        } else if (looping.size() == 1) {
            who = "rule " + ruleId(looping.get(0).drlPackage()) + " re-activates itself: each of its firings makes "
                    + "its next match (DRL rule \"" + looping.get(0).ruleName() + "\", " + looping.get(0).firings()
                    + " of the last " + SAMPLE + " firings)";
        } else {
            who = "these rules re-activate themselves or each other, so one of them loops: " + rules;
        }
        return "rules fired " + limit + " times in one evaluation without settling: " + who + ". " + USUAL_CAUSES;
    }

    /** A rule's id is its folder, the last segment of its DRL package. */
    static String ruleId(String drlPackage) {
        return drlPackage.substring(drlPackage.lastIndexOf('.') + 1);
    }

    /** Whether {@code rule} can be reached from itself along "its consequence made a match of" links. */
    private boolean activatesItself(RuleImpl rule) {
        // causes maps fired → origins; walk from the rule towards what made its matches, looking for itself
        Deque<RuleImpl> open = new ArrayDeque<>();
        Set<RuleImpl> seen = new HashSet<>();
        open.push(rule);
        while (!open.isEmpty()) {
            for (RuleImpl origin : causes.getOrDefault(open.pop(), Map.of()).keySet()) {
                if (origin.equals(rule)) {
                    return true;
                }
                if (seen.add(origin)) {
                    open.push(origin);
                }
            }
        }
        return false;
    }
}
