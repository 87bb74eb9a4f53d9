package io.annexa.evaluation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.EntryPointId;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.RuleConditionElement;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * Every rule of a library with what it says of itself ({@code rule.yml}) and what its DRL reads: the log event
 * kinds and the configuration keys, worked out from the compiled rules exactly as the engine decides which facts to
 * keep ({@link EventInterest}, {@link ConfigInterest}), so it cannot disagree with what the rule really receives.
 * It answers "is there a rule for this already?" by control and by what is read.
 */
public final class RuleIndex {

    /** Stands for every kind, source or key. */
    public static final String ANY = EventInterest.ALL_KINDS;

    /**
     * @param folder     the rule folder below {@code rules/}, with {@code /}
     * @param eventKinds the {@code LogEvent} kinds the DRL reads, sorted; {@link #ANY} alone for all kinds; empty
     *                   when it reads no events
     * @param configKeys the configuration keys the DRL reads ({@code ConfigEntry} patterns, keys asked of a
     *                   {@code ConfigFile}) as {@code source:key}, sorted; {@link #ANY}
     *                   for any source or any key ({@code sshd_config:*})
     * @param baselined  whether it reads the entries the declared baseline names (the entry point
     *                   {@value EvaluationSession#BASELINED_ENTRIES})
     */
    public record Entry(RuleDefinition rule, String folder, Set<String> eventKinds, Set<String> configKeys,
                        boolean baselined) {

        public Entry {
            eventKinds = Set.copyOf(new TreeSet<>(eventKinds));
            configKeys = Set.copyOf(new TreeSet<>(configKeys));
        }
    }

    private RuleIndex() {
    }

    /** One entry per rule of {@code library}, enabled or not, ordered by folder. */
    public static List<Entry> of(RuleLibrary library) {
        Map<String, String> ruleByPackage = new HashMap<>();
        library.rules().forEach(rule -> ruleByPackage.put(rule.drlPackage(), rule.id()));
        Map<String, Set<String>> kinds = new HashMap<>();
        Map<String, Set<String>> keys = new HashMap<>();
        Set<String> baselined = new TreeSet<>();
        for (KiePackage kiePackage : library.kieBase().getKiePackages()) {
            String id = ruleByPackage.get(kiePackage.getName());
            if (id == null) {
                continue;
            }
            for (Rule rule : kiePackage.getRules()) {
                RuleImpl impl = (RuleImpl) rule;
                kindsRead(impl).ifPresent(read -> kinds.merge(id, read, EventInterest::union));
                keys.computeIfAbsent(id, k -> new TreeSet<>()).addAll(keysRead(impl));
                if (readsBaselined(impl)) {
                    baselined.add(id);
                }
            }
        }
        return library.rules().stream()
                .map(rule -> new Entry(rule, rule.drlPackage().replace('.', '/'), kinds.getOrDefault(rule.id(), Set.of()),
                        keys.getOrDefault(rule.id(), Set.of()), baselined.contains(rule.id())))
                .sorted(Comparator.comparing(Entry::folder))
                .toList();
    }

    private static Optional<Set<String>> kindsRead(RuleImpl rule) {
        try {
            return EventInterest.kindsRead(rule);
        } catch (RuntimeException e) {
            return Optional.of(Set.of(ANY)); // as the engine: a condition it cannot analyse reads everything
        }
    }

    private static Set<String> keysRead(RuleImpl rule) {
        List<ConfigInterest.Read> reads;
        try {
            reads = new ArrayList<>(ConfigInterest.readsOf(rule));
            reads.addAll(ConfigInterest.keysAskedOfFiles(rule));
        } catch (RuntimeException e) {
            reads = List.of(new ConfigInterest.Read(Set.of(ANY), Set.of(ANY)));
        }
        Set<String> keys = new TreeSet<>();
        for (ConfigInterest.Read read : reads) {
            for (String source : read.sources()) {
                for (String key : read.keys()) {
                    keys.add(source + ":" + key);
                }
            }
        }
        return keys;
    }

    private static boolean readsBaselined(RuleImpl rule) {
        Deque<RuleConditionElement> open = new ArrayDeque<>();
        open.push(rule.getLhs());
        while (!open.isEmpty()) {
            RuleConditionElement element = open.pop();
            if (element instanceof Pattern pattern && pattern.getSource() instanceof EntryPointId entryPoint
                    && EvaluationSession.BASELINED_ENTRIES.equals(entryPoint.getEntryPointId())) {
                return true;
            }
            if (element != null && element.getNestedElements() != null) {
                element.getNestedElements().forEach(open::push);
            }
        }
        return false;
    }
}
