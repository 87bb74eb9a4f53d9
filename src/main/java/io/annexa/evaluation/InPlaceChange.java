package io.annexa.evaluation;

import io.annexa.evidence.RuleParameter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.EntryPointId;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.RuleConditionElement;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * A rule library change made to the session in service instead of a new session: the DRL packages of the rules
 * that were removed, switched off or changed (their DRL, their rule.yml or their parameters) leave the session's
 * KieBase, the compiled packages of the changed and new rules join it, and everything else stays as it is: evidence,
 * live events, the windows and findings of every other rule. Drools takes the facts in working memory into the rules
 * added, so a changed temporal rule counts the live events again, into windows of its own (the old version's are
 * deleted first), and reports what it finds; unchanged rules do not see the change, so they report nothing twice.
 * After one rule changed in 510, with 20,000 live events, that took 0.1–0.25 s on a loaded machine where a new
 * session took over 30 s (RuleLibraryBuildBenchmark), and only one session and one KieBase are ever held.
 *
 * <p>What it cannot do is left to a new session ({@link #whyNot}): another session runs with the same KieBase (a
 * replay in progress, which would change under its feet), the declared baseline changed (the session feeds it to its
 * own entry point), a rule that reads another entry point than the default one changed (the session holds its entry
 * points from its start), or a rule's package declares types (their classes cannot be defined again in one KieBase).
 *
 * <p>State the engine keeps per rule is reset for the rules the change replaces in
 * {@link EvaluationSession#resetRuleState}, which is where engine-owned counting state of a rule belongs as well.
 *
 * <p>Everything that can be checked or prepared is, before anything changes: the packages to add are copied for the
 * session's KieBase, the packages to remove are found in it. If the change still fails once begun (a new rule's
 * constraint throws on the facts in working memory, as Drools evaluates it while adding the rule), the session's
 * KieBase may hold part of it: {@link #apply} then lets the exception through and the engine opens a new session from
 * a fresh KieBase of the library in service, with the state of this one ({@link #reportedBefore}).
 */
final class InPlaceChange {

    private final RuleLibrary before;
    private final RuleLibrary next;
    /** Rule ids whose state starts again: removed, switched off, changed, new. */
    private final Set<String> reset;
    private final List<String> removedPackages;
    private final List<InternalKnowledgePackage> added;
    /** The parameters of the rules reset, to replace theirs. */
    private final List<RuleParameter> parameters;
    /** Every enabled rule's parameters after the change. */
    private final List<RuleParameter> allParameters;
    private final String whyNot;
    /** What the rules before the change read: taken over for the rules the change keeps. */
    private final EventInterest eventsBefore;
    private final ConfigInterest configBefore;
    private Map<List<String>, Boolean> reportedBefore = Map.of();

    private InPlaceChange(RuleLibrary before, RuleLibrary next, Set<String> reset, List<String> removedPackages,
                          List<InternalKnowledgePackage> added, List<RuleParameter> allParameters, String whyNot) {
        this.eventsBefore = whyNot == null ? before.eventInterest() : null;
        this.configBefore = whyNot == null ? before.configInterest() : null;
        this.before = before;
        this.next = next;
        this.reset = reset;
        this.removedPackages = removedPackages;
        this.added = added;
        this.allParameters = allParameters;
        this.parameters = allParameters.stream().filter(p -> reset.contains(p.rule())).toList();
        this.whyNot = whyNot;
    }

    /**
     * The change from {@code before}, whose rules {@code session} runs, to {@code next}, prepared for {@code session};
     * see {@link #whyNot} whether it can be made in place.
     */
    static InPlaceChange between(RuleLibrary before, RuleLibrary next, EvaluationSession session) {
        if (!session.runsItsKieBaseAlone()) {
            return notInPlace(before, next, "another session (a replay in progress) runs with the same KieBase");
        }
        if (!before.baseline().equals(next.baseline())) {
            return notInPlace(before, next, "the declared baseline changed");
        }
        InternalKnowledgeBase base = session.kieBase();
        Set<String> reset = new TreeSet<>();
        List<String> removedPackages = new ArrayList<>();
        List<String> addedRules = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        before.rules().forEach(r -> ids.add(r.id()));
        next.rules().forEach(r -> ids.add(r.id()));
        List<RuleParameter> allParameters = next.parameters();
        Map<String, Set<RuleParameter>> parametersBefore = byRule(before.parameters());
        Map<String, Set<RuleParameter>> parametersNext = byRule(allParameters);
        for (String id : ids) {
            boolean was = before.isEnabled(id);
            boolean is = next.isEnabled(id);
            if (!was && !is || was && is && before.version(id).equals(next.version(id))
                    && parametersBefore.getOrDefault(id, Set.of()).equals(parametersNext.getOrDefault(id, Set.of()))) {
                continue;
            }
            reset.add(id);
            if (was) {
                String drlPackage = before.rule(id).orElseThrow().drlPackage();
                KiePackage inService = base.getKiePackage(drlPackage);
                if (inService == null) {
                    return notInPlace(before, next, "rule " + id + " is not in the session's KieBase");
                }
                String problem = problemOf(inService, id);
                if (problem != null) {
                    return notInPlace(before, next, problem);
                }
                removedPackages.add(drlPackage);
            }
            if (is) {
                InternalKnowledgePackage compiled = next.compiledPackage(id).orElse(null);
                if (compiled == null) {
                    return notInPlace(before, next, "rule " + id + " has no compiled package");
                }
                String problem = problemOf(compiled, id);
                if (problem != null) {
                    return notInPlace(before, next, problem);
                }
                addedRules.add(id);
            }
        }
        List<InternalKnowledgePackage> added = new ArrayList<>();
        for (String id : addedRules) {
            added.addAll(next.rulePackages(id, base.getRootClassLoader()));
        }
        return new InPlaceChange(before, next, Set.copyOf(reset), List.copyOf(removedPackages), List.copyOf(added),
                List.copyOf(allParameters), null);
    }

    private static InPlaceChange notInPlace(RuleLibrary before, RuleLibrary next, String why) {
        return new InPlaceChange(before, next, Set.of(), List.of(), List.of(), List.of(), why);
    }

    /** Why the change needs a new session; null when it can be made in place. */
    String whyNot() {
        return whyNot;
    }

    /** The rules whose state starts again: removed, switched off, changed (DRL, rule.yml or parameters) or new. */
    Set<String> reset() {
        return reset;
    }

    /**
     * Makes the change in {@code session}, which then serves {@code next} (and its KieBase is {@code next}'s), and fires
     * the changed and new rules over what working memory holds. The caller has fired what was handed to the rules
     * before, and has set the quarantines in force for {@code next} ({@link EvaluationSession#refuseOnly}).
     *
     * @return the incidents the changed and new rules raised: they were not looking before, so they are new
     * @throws RuntimeException or {@link LinkageError} when the change failed once begun: the session's KieBase may
     *                          then hold part of it, and the session must not be used further
     */
    List<Finding> apply(EvaluationSession session) {
        if (whyNot != null) {
            throw new IllegalStateException("not a change in place: " + whyNot);
        }
        InternalKnowledgeBase base = session.kieBase();
        // from here on the KieBase is no longer the previous library's, whatever happens
        before.release(base);
        try {
            removedPackages.forEach(base::removeKiePackage);
            // after the packages left: no rule of theirs sees the deletions
            reportedBefore = session.resetRuleState(reset);
            session.replaceParameters(reset, parameters);
            if (!added.isEmpty()) {
                // Drools takes the facts in working memory into the new rules here; they fire below
                base.addPackages(added);
            }
            // what the unchanged rules read is known: only the rules added are analysed
            next.adopt(base, eventsBefore.changed(reset, added, base, next.enabledRules(), allParameters),
                    configBefore.changed(removedPackages, added, base));
            session.useLibrary(next, reset);
            return session.settleChange();
        } catch (RuntimeException | LinkageError e) {
            next.release(base);
            throw e;
        }
    }

    /**
     * Whether each window of a reset rule had reported its burst before the change, by (rule, asset, key): for a new
     * session of the previous library after a failed change, whose windows must not report those bursts again.
     */
    Map<List<String>, Boolean> reportedBefore() {
        return reportedBefore;
    }

    /** Whether a rule's state starts again with the change: what the previous library found with it is void. */
    static boolean changedBetween(RuleLibrary before, RuleLibrary after, String ruleId) {
        return !before.isEnabled(ruleId) || !before.version(ruleId).equals(after.version(ruleId))
                || !parametersOf(before, ruleId).equals(parametersOf(after, ruleId));
    }

    private static Set<RuleParameter> parametersOf(RuleLibrary library, String ruleId) {
        return library.parameters().stream().filter(p -> p.rule().equals(ruleId)).collect(Collectors.toSet());
    }

    private static Map<String, Set<RuleParameter>> byRule(List<RuleParameter> parameters) {
        return parameters.stream().collect(Collectors.groupingBy(RuleParameter::rule, Collectors.toSet()));
    }

    /** Why a rule package cannot leave or join a KieBase in service; null when it can. */
    private static String problemOf(KiePackage kiePackage, String ruleId) {
        if (kiePackage instanceof InternalKnowledgePackage internal && !internal.getTypeDeclarations().isEmpty()) {
            return "rule " + ruleId + " declares types";
        }
        for (Rule rule : kiePackage.getRules()) {
            if (rule instanceof RuleImpl impl && readsOtherEntryPoints(impl)) {
                return "rule " + ruleId + " reads an entry point of its own";
            }
        }
        return null;
    }

    private static boolean readsOtherEntryPoints(RuleImpl rule) {
        Deque<RuleConditionElement> open = new ArrayDeque<>();
        open.push(rule.getLhs());
        while (!open.isEmpty()) {
            RuleConditionElement element = open.pop();
            if (element instanceof Pattern pattern && pattern.getSource() instanceof EntryPointId entryPoint
                    && !EntryPointId.DEFAULT.equals(entryPoint)) {
                return true;
            }
            if (element != null && element.getNestedElements() != null) {
                element.getNestedElements().forEach(open::push);
            }
        }
        return false;
    }
}
