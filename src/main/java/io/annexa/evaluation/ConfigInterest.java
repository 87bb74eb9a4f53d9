package io.annexa.evaluation;

import io.annexa.evidence.ConfigEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.drools.base.base.ClassObjectType;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.EntryPointId;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.RuleConditionElement;
import org.drools.base.rule.constraint.Constraint;
import org.drools.mvel.MVELConstraint;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * Which configuration entries ({@link ConfigEntry}, by source and key) the rules of a library can read: worked out
 * from the compiled rules when the library is built, so that an entry no rule reads is kept beside the session
 * instead of in it. A fleet's files set many keys no rule looks at (37 settings in a Debian login.defs, 6 of them
 * read), and each fact in working memory costs about three times the entry itself.
 *
 * <p>Conservative in the same way as {@link EventInterest}: a {@code ConfigEntry} pattern (or a pattern of a supertype)
 * reads every source and key unless its constraints pin {@code source} and {@code key} to string literals
 * ({@code ==}, {@code in}, joined with {@code ||} and {@code &&}); any other way of reading them
 * ({@code key matches ...}, {@code $baseline.isKey(key)}, {@code source == $source}) makes the pattern read every
 * value of that property. A rule can receive more than it needs, never less. Patterns reading
 * {@link EvaluationSession#BASELINED_ENTRIES} are left out: that entry point is fed apart, from every entry.
 */
final class ConfigInterest {

    private static final Set<String> ALL = Set.of(EventInterest.ALL_KINDS);
    /** {@code sets("KEY")} or {@code setsGlobally("KEY")} in a {@code ConfigFile} constraint. */
    private static final java.util.regex.Pattern KEY_TESTED = java.util.regex.Pattern.compile("\\bsets(?:Globally)?\\(\\s*\"([^\"]+)\"\\s*\\)");
    /** Reads everything: for a library that cannot be analysed. */
    static final ConfigInterest EVERYTHING = new ConfigInterest(List.of(new Read(ALL, ALL)));

    /** What one pattern reads: entries whose source is one of {@code sources} and key one of {@code keys}. */
    record Read(Set<String> sources, Set<String> keys) {
    }

    private final List<Read> reads;
    /**
     * The same reads by source (a read of several sources and keys reads each pair): asked for every configuration
     * entry of every read, 610,000 for a fleet of 10,000 hosts, where a walk over some sixty reads cost seconds.
     */
    private final Map<String, Set<String>> keysBySource;
    /** Keys read from whichever source (a pattern that does not pin its source down). */
    private final Set<String> keysOfAnySource;
    /** What each DRL package's rules read; null for {@link #EVERYTHING}, which no package's reads explain. */
    private final Map<String, List<Read>> byPackage;

    ConfigInterest(List<Read> reads) {
        this(reads, null);
    }

    private ConfigInterest(List<Read> reads, Map<String, List<Read>> byPackage) {
        this.reads = List.copyOf(reads);
        this.byPackage = byPackage == null ? null : Map.copyOf(byPackage);
        Map<String, Set<String>> keys = new HashMap<>();
        for (Read read : this.reads) {
            for (String source : read.sources()) {
                keys.computeIfAbsent(source, s -> new HashSet<>()).addAll(read.keys());
            }
        }
        keys.replaceAll((source, read) -> Set.copyOf(read));
        this.keysBySource = Map.copyOf(keys);
        this.keysOfAnySource = keysBySource.getOrDefault(EventInterest.ALL_KINDS, Set.of());
    }

    static ConfigInterest analyze(KieBase kieBase) {
        return of(new HashMap<>(), kieBase.getKiePackages());
    }

    /**
     * This interest after a change in place ({@link InPlaceChange}): the packages {@code removed} left the KieBase and
     * {@code added} joined it; the other packages' reads are taken over without analysing them again.
     *
     * @param kieBase the KieBase after the change, analysed whole if this interest is {@link #EVERYTHING}
     */
    ConfigInterest changed(Collection<String> removed, Collection<? extends KiePackage> added, KieBase kieBase) {
        if (byPackage == null) {
            return analyze(kieBase);
        }
        Map<String, List<Read>> kept = new HashMap<>(byPackage);
        kept.keySet().removeAll(removed);
        return of(kept, added);
    }

    /** {@code known} with what the rules of {@code packages} read; {@link #EVERYTHING} if one of them cannot be analysed. */
    private static ConfigInterest of(Map<String, List<Read>> known, Collection<? extends KiePackage> packages) {
        for (KiePackage kiePackage : packages) {
            List<Read> reads = new ArrayList<>();
            for (Rule rule : kiePackage.getRules()) {
                try {
                    reads.addAll(readsOf((RuleImpl) rule));
                } catch (RuntimeException e) {
                    return EVERYTHING; // a condition this analysis does not know: every entry goes in
                }
            }
            // a package of the same name added again (the fact types' packages of each rule) merges into the one there
            known.merge(kiePackage.getName(), reads, (was, more) -> Stream.concat(was.stream(), more.stream()).distinct().toList());
        }
        known.values().removeIf(List::isEmpty);
        List<Read> all = known.values().stream().flatMap(List::stream).distinct().toList();
        return new ConfigInterest(all, known);
    }

    /** Whether some rule can read {@code entry}. */
    boolean reads(ConfigEntry entry) {
        return readsKey(keysOfAnySource, entry.getKey()) || readsKey(keysBySource.get(entry.getSource()), entry.getKey());
    }

    private static boolean readsKey(Set<String> keys, String key) {
        return keys != null && (keys.contains(key) || keys.contains(EventInterest.ALL_KINDS));
    }

    List<Read> reads() {
        return reads;
    }

    static List<Read> readsOf(RuleImpl rule) {
        List<Read> reads = new ArrayList<>();
        for (Pattern pattern : patternsOf(rule)) {
            if (readsEntries(pattern)) {
                reads.add(readOf(pattern));
            }
        }
        return reads;
    }

    /**
     * The keys a rule asks configuration files about ({@code ConfigFile(source == "login.defs", !sets("UMASK"))}), by
     * source: what it reads of the configuration, for the rule index. The session needs no entry for them: a file is
     * told its keys from every entry of its read ({@link io.annexa.evidence.ConfigFile#sets}).
     */
    static List<Read> keysAskedOfFiles(RuleImpl rule) {
        List<Read> reads = new ArrayList<>();
        for (Pattern pattern : patternsOf(rule)) {
            if (!(pattern.getObjectType() instanceof ClassObjectType type) || type.getClassType() != io.annexa.evidence.ConfigFile.class) {
                continue;
            }
            Set<String> sources = ALL;
            Set<String> keys = new java.util.TreeSet<>();
            for (Constraint constraint : pattern.getConstraints()) {
                if (constraint instanceof MVELConstraint mvel && mvel.getExpression() != null) {
                    sources = EventInterest.intersection(sources, EventInterest.literalsOf(mvel.getExpression(), "source"));
                    java.util.regex.Matcher asked = KEY_TESTED.matcher(mvel.getExpression());
                    while (asked.find()) {
                        keys.add(asked.group(1));
                    }
                }
            }
            if (!keys.isEmpty()) {
                reads.add(new Read(sources, keys));
            }
        }
        return reads;
    }

    /** Every pattern of the rule's conditions, nested ones (under not, exists, or, from, accumulate) included. */
    private static List<Pattern> patternsOf(RuleImpl rule) {
        List<Pattern> patterns = new ArrayList<>();
        Deque<RuleConditionElement> open = new ArrayDeque<>();
        open.push(rule.getLhs());
        while (!open.isEmpty()) {
            RuleConditionElement element = open.pop();
            if (element instanceof Pattern pattern) {
                patterns.add(pattern);
            }
            if (element != null && element.getNestedElements() != null) {
                element.getNestedElements().forEach(open::push);
            }
        }
        return patterns;
    }

    private static boolean readsEntries(Pattern pattern) {
        if (pattern.getSource() instanceof org.drools.base.rule.Accumulate || pattern.getSource() instanceof org.drools.base.rule.Collect
                || pattern.getSource() instanceof org.drools.base.rule.From) {
            return false; // it reads what its source makes, not working memory; the source's own patterns are visited
        }
        if (pattern.getSource() instanceof EntryPointId entryPoint && !EntryPointId.DEFAULT.equals(entryPoint)) {
            return false; // only the default entry point is filtered; the baselined one is fed from every entry
        }
        return pattern.getObjectType() instanceof ClassObjectType type && type.getClassType() != null
                && type.getClassType().isAssignableFrom(ConfigEntry.class);
    }

    private static Read readOf(Pattern pattern) {
        if (pattern.getObjectType() instanceof ClassObjectType type && type.getClassType() != ConfigEntry.class) {
            return new Read(ALL, ALL); // Object(...): its constraints were written for other types as well
        }
        Set<String> sources = ALL;
        Set<String> keys = ALL;
        for (Constraint constraint : pattern.getConstraints()) {
            if (constraint instanceof MVELConstraint mvel && mvel.getExpression() != null) {
                sources = EventInterest.intersection(sources, EventInterest.literalsOf(mvel.getExpression(), "source"));
                keys = EventInterest.intersection(keys, EventInterest.literalsOf(mvel.getExpression(), "key"));
            }
        }
        return new Read(sources, keys);
    }

    @Override
    public String toString() {
        return "ConfigInterest" + reads;
    }
}
