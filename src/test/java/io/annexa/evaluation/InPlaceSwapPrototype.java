package io.annexa.evaluation;

import io.annexa.evidence.LogEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;

/**
 * Benchmark code only: what a swap costs when one rule changed, done as the engine does it now (a new session from
 * the new library, every live event inserted again and counted by every rule) and as it could be done (the
 * session in service keeps its KieBase, whose changed rule package is replaced: Drools removes the old rule's
 * nodes and counts the facts in working memory into the new rule's only). The second way mutates the first
 * library's KieBase, so it is measured on sessions of this class's own, never on an engine's.
 */
public final class InPlaceSwapPrototype {

    /** Milliseconds of both ways, each until the first firing after the change has ended. */
    public record Timing(double newSessionMillis, double inPlaceMillis, long liveEventsAfterNewSession, long liveEventsAfterInPlace) {
    }

    private InPlaceSwapPrototype() {
    }

    /**
     * @param before      the library in service; its KieBase is changed in place, do not use it afterwards
     * @param after       the same library, loaded from {@code rulesDir}, with the rule {@code ruleId} changed
     */
    public static Timing measure(RuleLibrary before, RuleLibrary after, Path rulesDir, String ruleId, List<LogEvent> events)
            throws java.io.IOException {
        RuleDefinition rule = after.rule(ruleId).orElseThrow();
        String display = "rules/" + rulesDir.toAbsolutePath().normalize().relativize(rule.drlFile().toAbsolutePath().normalize())
                .toString().replace('\\', '/');
        CompiledRuleCache.Compiled changed = CompiledRuleCache.SHARED.get(CompiledRuleCache.key(true, display, rule.drlPackage(),
                Files.readString(rule.drlFile()))).orElseThrow(() -> new IllegalStateException("not compiled: " + display));
        EvaluationSession live = before.newSession(EvaluationSession.Clock.REALTIME);
        EvaluationSession fresh = null;
        try {
            events.forEach(event -> live.insertEvent(event, event.getTimestamp()));
            live.fire();

            long start = System.nanoTime();
            fresh = after.newSession(EvaluationSession.Clock.REALTIME);
            for (LogEvent event : live.liveEvents()) {
                fresh.insertEvent(event, event.getTimestamp());
            }
            fresh.settleCarriedOver();
            double newSession = (System.nanoTime() - start) / 1e6;

            start = System.nanoTime();
            InternalKnowledgeBase base = (InternalKnowledgeBase) before.kieBase();
            base.removeKiePackage(rule.drlPackage());
            base.addPackages(CompiledRuleCache.SHARED.copies(List.of(changed), base.getRootClassLoader()));
            live.fire();
            double inPlace = (System.nanoTime() - start) / 1e6;
            return new Timing(newSession, inPlace, fresh.liveEvents().size(), live.liveEvents().size());
        } finally {
            live.close();
            if (fresh != null) {
                fresh.close();
            }
        }
    }
}
