package io.annexa.evaluation;

import io.annexa.evidence.LogEvent;
import io.annexa.evidence.RuleParameter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.drools.base.base.ClassObjectType;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.EntryPointId;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.RuleConditionElement;
import org.drools.base.rule.constraint.Constraint;
import org.drools.core.impl.InternalRuleBase;
import org.drools.core.reteoo.ObjectTypeNode;
import org.drools.drl.ast.descr.AtomicExprDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.BindingDescr;
import org.drools.drl.ast.descr.ConnectiveType;
import org.drools.drl.ast.descr.ConstraintConnectiveDescr;
import org.drools.drl.ast.descr.RelationalExprDescr;
import org.drools.drl.parser.DrlExprParser;
import org.drools.drl.parser.DrlExprParserFactory;
import org.drools.mvel.MVELConstraint;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.internal.builder.conf.LanguageLevelOption;

/**
 * Which {@link LogEvent} kinds each enabled rule reads, and for how long events of each kind must stay in working
 * memory: worked out from the compiled rules when the library is built, so an event no rule reads is only counted,
 * and an event leaves as soon as the longest window that reads it has passed.
 *
 * <p>Read from the compiled rules, not declared by the author, so a declaration cannot go stale. Conservative by
 * construction: a {@code LogEvent} pattern (or a pattern of a supertype, such as {@code Object}) reads every kind
 * unless its constraints pin {@code kind} to string literals: {@code kind == "x"}, {@code kind in ("x", "y")}, and
 * those joined with {@code ||} and {@code &&} ({@code kind == "a" || reported_by && kind == "b"} reads a and b).
 * Any other way of reading the kind ({@code getKind().equals("x")}, {@code kind matches ...}, {@code kind == $k},
 * {@code kind != "x"}) makes the pattern read all kinds: a rule can receive more than it needs, never less.
 *
 * <p>How long: the longest duration-typed parameter of each rule reading the kind (as configured, the rule's
 * window), or {@link EventRetention#defaultRetention} for a rule that has none; never less than what Drools itself
 * infers from temporal operators and {@code over window:time}, and never more than {@link EventRetention#max}.
 */
public final class EventInterest {

    /** Stands for "every kind" in {@link #kindsReadBy}. */
    public static final String ALL_KINDS = "*";

    private static final Set<String> ALL = Set.of(ALL_KINDS);
    private static final String KIND = "kind";

    private final Map<String, Set<String>> kindsByRule;
    /** What rules read through their declared count: only: counted as they arrive, so kept for no time. */
    private final Map<String, Set<String>> countedByRule;
    private final Map<String, Long> windowByRule;
    private final long inferredMillis;

    EventInterest(Map<String, Set<String>> kindsByRule, Map<String, Long> windowByRule, long inferredMillis) {
        this(kindsByRule, Map.of(), windowByRule, inferredMillis);
    }

    EventInterest(Map<String, Set<String>> kindsByRule, Map<String, Set<String>> countedByRule,
                  Map<String, Long> windowByRule, long inferredMillis) {
        this.kindsByRule = Map.copyOf(kindsByRule);
        this.countedByRule = Map.copyOf(countedByRule);
        this.windowByRule = Map.copyOf(windowByRule);
        this.inferredMillis = inferredMillis;
    }

    /**
     * @param rules      the enabled rules of the library
     * @param parameters their parameters as configured ({@link RuleLibrary#parameters()})
     */
    static EventInterest analyze(KieBase kieBase, Collection<RuleDefinition> rules, List<RuleParameter> parameters) {
        Map<String, Set<String>> kinds = new LinkedHashMap<>();
        Map<String, Set<String>> counted = new LinkedHashMap<>();
        addKindsRead(kieBase.getKiePackages(), rules, kinds, counted);
        return withWindows(kinds, counted, kieBase, rules, parameters);
    }

    /**
     * This interest after a change in place ({@link InPlaceChange}): the rules {@code replaced} read what the packages
     * {@code added} read now; the other rules' kinds are taken over without analysing them again (they are the same
     * compiled rules), their windows are worked out again from {@code parameters}.
     *
     * @param kieBase    the KieBase after the change, for what Drools infers
     * @param rules      the enabled rules after the change
     */
    EventInterest changed(Set<String> replaced, Collection<? extends KiePackage> added, KieBase kieBase,
                          Collection<RuleDefinition> rules, List<RuleParameter> parameters) {
        Map<String, Set<String>> kinds = new LinkedHashMap<>(kindsByRule);
        Map<String, Set<String>> counted = new LinkedHashMap<>(countedByRule);
        kinds.keySet().removeAll(replaced);
        counted.keySet().removeAll(replaced);
        addKindsRead(added, rules, kinds, counted);
        return withWindows(kinds, counted, kieBase, rules, parameters);
    }

    private static void addKindsRead(Collection<? extends KiePackage> packages, Collection<RuleDefinition> rules,
                                     Map<String, Set<String>> kinds, Map<String, Set<String>> counted) {
        Map<String, String> ruleByPackage = new HashMap<>();
        rules.forEach(rule -> ruleByPackage.put(rule.drlPackage(), rule.id()));
        for (KiePackage kiePackage : packages) {
            String ruleId = ruleByPackage.get(kiePackage.getName());
            for (Rule rule : kiePackage.getRules()) {
                Optional<Set<String>> read;
                try {
                    read = kindsRead((RuleImpl) rule);
                } catch (RuntimeException e) {
                    read = Optional.of(ALL); // a condition this analysis does not know: the rule gets every event
                }
                // a package outside the rule folders (none is compiled today) is attributed to itself
                String owner = ruleId == null ? kiePackage.getName() : ruleId;
                read.ifPresent(k -> (CountingRule.isCountingRule(rule.getName()) ? counted : kinds).merge(owner, k, EventInterest::union));
            }
        }
    }

    private static EventInterest withWindows(Map<String, Set<String>> kinds, Map<String, Set<String>> counted, KieBase kieBase,
                                             Collection<RuleDefinition> rules, List<RuleParameter> parameters) {
        Map<String, Long> windows = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        rules.forEach(rule -> rule.parameterTypes().forEach((name, type) -> types.put(rule.id() + "\u0000" + name, type)));
        for (RuleParameter parameter : parameters) {
            if ("duration".equals(types.get(parameter.rule() + "\u0000" + parameter.name()))) {
                windows.merge(parameter.rule(), parameter.getDurationMillis(), Math::max);
            }
        }
        windows.keySet().retainAll(kinds.keySet());
        return new EventInterest(kinds, counted, windows, inferredExpiry(kieBase));
    }

    /** The kinds {@code ruleId} reads or counts ({@link #ALL_KINDS} for all), empty when it reads no events. */
    public Set<String> kindsReadBy(String ruleId) {
        return union(kindsByRule.getOrDefault(ruleId, Set.of()), countedByRule.getOrDefault(ruleId, Set.of()));
    }

    /** Every rule reading or counting events, with the kinds it reads. */
    public Map<String, Set<String>> kindsByRule() {
        Map<String, Set<String>> all = new java.util.TreeMap<>(kindsByRule);
        countedByRule.forEach((rule, kinds) -> all.merge(rule, kinds, EventInterest::union));
        return all;
    }

    /** The kinds {@code ruleId} counts through its rule.yml count:, empty when it declares none. */
    public Set<String> kindsCountedBy(String ruleId) {
        return countedByRule.getOrDefault(ruleId, Set.of());
    }

    /** The longest duration parameter of a rule reading events; empty when it has none. */
    public Optional<Duration> window(String ruleId) {
        return Optional.ofNullable(windowByRule.get(ruleId)).map(Duration::ofMillis);
    }

    /**
     * How long events of {@code kind} must stay in working memory under {@code retention}, in milliseconds; -1 when
     * no rule reads the kind.
     */
    public long retentionMillis(String kind, EventRetention retention) {
        long longest = -1;
        for (Map.Entry<String, Set<String>> rule : kindsByRule.entrySet()) {
            Set<String> read = rule.getValue();
            if (read.contains(kind) || read.contains(ALL_KINDS)) {
                long window = windowByRule.getOrDefault(rule.getKey(), retention.defaultRetention().toMillis());
                longest = Math.max(longest, Math.max(window, inferredMillis));
            }
        }
        if (longest < 0 && countedByRule.values().stream().anyMatch(read -> read.contains(kind) || read.contains(ALL_KINDS))) {
            return 0; // counted when it arrives, then no rule needs it
        }
        return longest < 0 ? -1 : Math.min(longest, retention.max().toMillis());
    }

    /** Whether some rule reads every kind: no event is then left out. */
    public boolean readsAllKinds() {
        return kindsByRule.values().stream().anyMatch(k -> k.contains(ALL_KINDS))
                || countedByRule.values().stream().anyMatch(k -> k.contains(ALL_KINDS));
    }

    /** The kinds some rule names, sorted. */
    public Set<String> namedKinds() {
        Set<String> named = new TreeSet<>();
        kindsByRule.values().forEach(named::addAll);
        countedByRule.values().forEach(named::addAll);
        named.remove(ALL_KINDS);
        return named;
    }

    @Override
    public String toString() {
        return "EventInterest" + kindsByRule + " windows " + windowByRule;
    }

    /** The kinds a rule's conditions read, or empty when no pattern of it can match a LogEvent. */
    static Optional<Set<String>> kindsRead(RuleImpl rule) {
        Set<String> read = null;
        Deque<RuleConditionElement> open = new ArrayDeque<>();
        open.push(rule.getLhs());
        while (!open.isEmpty()) {
            RuleConditionElement element = open.pop();
            if (element instanceof Pattern pattern && readsLogEvents(pattern)) {
                read = read == null ? kindsOf(pattern) : union(read, kindsOf(pattern));
            }
            if (element != null && element.getNestedElements() != null) {
                element.getNestedElements().forEach(open::push);
            }
        }
        return Optional.ofNullable(read);
    }

    private static boolean readsLogEvents(Pattern pattern) {
        if (pattern.getSource() instanceof org.drools.base.rule.Accumulate || pattern.getSource() instanceof org.drools.base.rule.Collect
                || pattern.getSource() instanceof org.drools.base.rule.From) {
            return false; // it reads what its source makes, not working memory; the source's own patterns are visited
        }
        return pattern.getObjectType() instanceof ClassObjectType type && type.getClassType() != null
                && type.getClassType().isAssignableFrom(LogEvent.class);
    }

    /** The kinds a LogEvent pattern's constraints let through: each constraint narrows what the others let through. */
    private static Set<String> kindsOf(Pattern pattern) {
        if (pattern.getObjectType() instanceof ClassObjectType type && type.getClassType() != LogEvent.class) {
            return ALL; // Object(...): its constraints were written for other types as well
        }
        Set<String> kinds = ALL;
        for (Constraint constraint : pattern.getConstraints()) {
            if (constraint instanceof MVELConstraint mvel && mvel.getExpression() != null) {
                kinds = intersection(kinds, kindsOf(mvel.getExpression()));
            }
        }
        return kinds;
    }

    /** The kinds a constraint expression lets through; {@link #ALL_KINDS} when it does not pin {@code kind}. */
    static Set<String> kindsOf(String expression) {
        return literalsOf(expression, KIND);
    }

    /**
     * The values of {@code property} a constraint expression lets through, read as for {@code kind} above;
     * {@link #ALL_KINDS} when it does not pin the property to string literals.
     */
    static Set<String> literalsOf(String expression, String property) {
        DrlExprParser parser = DrlExprParserFactory.getDrlExprParser(LanguageLevelOption.DRL6);
        ConstraintConnectiveDescr parsed = parser.parse(expression);
        if (parser.hasErrors() || parsed == null) {
            return ALL;
        }
        return literalsOf(parsed, property);
    }

    private static Set<String> literalsOf(BaseDescr descr, String property) {
        if (descr instanceof ConstraintConnectiveDescr connective) {
            if (connective.isNegated() || connective.getDescrs().isEmpty()) {
                return ALL;
            }
            boolean or = connective.getConnective() == ConnectiveType.OR || connective.getConnective() == ConnectiveType.INC_OR;
            boolean and = connective.getConnective() == ConnectiveType.AND || connective.getConnective() == ConnectiveType.INC_AND;
            if (!or && !and) {
                return ALL;
            }
            Set<String> kinds = null;
            for (BaseDescr part : connective.getDescrs()) {
                Set<String> partKinds = literalsOf(part, property);
                kinds = kinds == null ? partKinds : or ? union(kinds, partKinds) : intersection(kinds, partKinds);
            }
            return kinds;
        }
        if (descr instanceof RelationalExprDescr relation && !relation.isNegated() && "==".equals(relation.getOperator())
                && (relation.getParameters() == null || relation.getParameters().isEmpty())) {
            Optional<String> kind = literal(relation.getLeft(), relation.getRight(), property);
            if (kind.isEmpty()) {
                kind = literal(relation.getRight(), relation.getLeft(), property);
            }
            return kind.map(Set::of).orElse(ALL);
        }
        return ALL;
    }

    /** {@code kind == "x"} (or {@code this.kind}) read as the kind x; the same for any other {@code property}. */
    private static Optional<String> literal(BaseDescr field, BaseDescr value, String property) {
        if (field instanceof BindingDescr binding) {
            return literal(new AtomicExprDescr(binding.getExpression()), value, property);
        }
        if (!(field instanceof AtomicExprDescr name) || !(value instanceof AtomicExprDescr literal)) {
            return Optional.empty();
        }
        String named = name.getExpression().strip();
        if (!named.equals(property) && !named.equals("this." + property)) {
            return Optional.empty();
        }
        String text = literal.getExpression().strip();
        if (text.length() >= 2 && text.charAt(0) == '"' && text.charAt(text.length() - 1) == '"'
                && text.indexOf('"', 1) == text.length() - 1 && text.indexOf('\\') < 0) {
            return Optional.of(text.substring(1, text.length() - 1));
        }
        return Optional.empty();
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        if (a.contains(ALL_KINDS) || b.contains(ALL_KINDS)) {
            return ALL;
        }
        Set<String> both = new TreeSet<>(a);
        both.addAll(b);
        return Set.copyOf(both);
    }

    static Set<String> intersection(Set<String> a, Set<String> b) {
        if (a.contains(ALL_KINDS)) {
            return b;
        }
        if (b.contains(ALL_KINDS)) {
            return a;
        }
        Set<String> common = new TreeSet<>(a);
        common.retainAll(b);
        return Set.copyOf(common);
    }

    /**
     * What Drools infers for LogEvent from temporal operators and time windows ({@code after[0, 30m]},
     * {@code over window:time(30m)}): an event must stay at least that long, or those rules would miss it.
     */
    private static long inferredExpiry(KieBase kieBase) {
        if (!(kieBase instanceof InternalRuleBase base)) {
            return 0;
        }
        long longest = 0;
        for (var node
                : base.getRete().getObjectTypeNodes(EntryPointId.DEFAULT).entrySet()) {
            if (node.getKey() instanceof ClassObjectType type && type.getClassType() == LogEvent.class) {
                long offset = node.getValue().getExpirationOffset();
                if (offset > 0 && offset != Long.MAX_VALUE) {
                    longest = Math.max(longest, offset);
                }
            }
        }
        return longest;
    }
}
