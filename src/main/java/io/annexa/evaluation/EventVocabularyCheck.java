package io.annexa.evaluation;

import io.annexa.evidence.LogEvent;
import io.annexa.evidence.LogVocabulary;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The event kinds and attributes a rule names must be in the event vocabulary ({@link LogVocabulary}): a misspelt
 * kind makes a pattern that never matches, a misspelt attribute reads {@code ""} on every event, and neither is a
 * compile error. Checked in the DRL ({@code LogEvent(kind == "...")}, {@code attribute("...")} in the pattern, and
 * {@code $e.attribute("...")} on a variable bound to it) and in rule.yml's {@code count:} ({@code events}, {@code by},
 * {@code distinct}, {@code where}).
 *
 * <p>An attribute is wrong when no kind the pattern can match carries it: which kinds is read from the constraints as
 * the engine reads them ({@link EventInterest#kindsOf}); a pattern that does not pin its kinds may name any attribute
 * some kind carries.
 */
final class EventVocabularyCheck {

    private static final Set<String> ANY = Set.of(EventInterest.ALL_KINDS);
    /** {@code kind == "x"}, {@code kind != "x"}: every literal a kind is compared with, whatever joins it. */
    private static final Pattern KIND_LITERAL = Pattern.compile("(?<![\\w$.])(?:this\\s*\\.\\s*)?kind\\s*(?:==|!=)\\s*\"([^\"\\\\]*)\"");
    /** {@code kind in ("x", "y")}, {@code kind not in (...)}. */
    private static final Pattern KIND_LIST = Pattern.compile("(?<![\\w$.])(?:this\\s*\\.\\s*)?kind\\s+(?:not\\s+)?in\\s*\\(([^)]*)\\)");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"\\\\]*)\"");
    /** {@code attribute("x")} on the pattern's own event. */
    private static final Pattern OWN_ATTRIBUTE = Pattern.compile("(?<![\\w$.])(?:this\\s*\\.\\s*)?attribute\\s*\\(\\s*\"([^\"\\\\]*)\"\\s*\\)");
    private static final String GUIDE = " (rules/README.md, \"Event vocabulary\")";

    private EventVocabularyCheck() {
    }

    static List<Problem> check(RuleLint.Linted linted) {
        List<Problem> problems = new ArrayList<>();
        DrlOutline drl = linted.drl();
        String code = drl.withoutComments();
        for (DrlOutline.Rule rule : drl.rules()) {
            for (DrlOutline.Pattern pattern : rule.patterns()) {
                if (drl.isOf(pattern, LogEvent.class)) {
                    problems.addAll(checkPattern(linted, code, rule, pattern));
                }
            }
        }
        if (linted.rule().count() != null) {
            problems.addAll(checkCount(linted, linted.rule().count()));
        }
        return problems;
    }

    private static List<Problem> checkPattern(RuleLint.Linted linted, String code, DrlOutline.Rule rule, DrlOutline.Pattern pattern) {
        List<Problem> problems = new ArrayList<>();
        Set<String> kinds = ANY;
        for (DrlOutline.Constraint constraint : pattern.constraints()) {
            kinds = EventInterest.intersection(kinds, linted.drl().literals(constraint, "kind"));
            String text = code.substring(constraint.start(), Math.min(code.length(), constraint.end() + 2));
            for (int[] literal : kindLiterals(text)) {
                String kind = text.substring(literal[0], literal[1]);
                if (!LogVocabulary.isKnown(kind)) {
                    problems.add(linted.error(constraint.start() + literal[0] - 1, unknownKind(kind)));
                }
            }
        }
        Set<String> known = kinds.equals(ANY) ? ANY : known(kinds);
        if (known.isEmpty()) {
            return problems; // every kind it names is unknown, and said so: what it carries is then no question
        }
        for (DrlOutline.Constraint constraint : pattern.constraints()) {
            String text = code.substring(constraint.start(), Math.min(code.length(), constraint.end() + 2));
            Matcher own = OWN_ATTRIBUTE.matcher(text);
            while (own.find()) {
                attributeProblem(own.group(1), known).ifPresent(message ->
                        problems.add(linted.error(constraint.start() + own.start(1) - 1, message)));
            }
        }
        if (pattern.binding() != null) {
            // the bound event read elsewhere in the rule: in later conditions and in the consequence
            Matcher bound = Pattern.compile("(?<![\\w$.])" + Pattern.quote(pattern.binding())
                    + "\\s*\\.\\s*attribute\\s*\\(\\s*\"([^\"\\\\]*)\"\\s*\\)").matcher(code);
            bound.region(rule.start(), rule.consequenceEnd());
            while (bound.find()) {
                attributeProblem(bound.group(1), known).ifPresent(message ->
                        problems.add(linted.error(bound.start(1) - 1, message)));
            }
        }
        return problems;
    }

    private static List<Problem> checkCount(RuleLint.Linted linted, CountDeclaration count) {
        List<Problem> problems = new ArrayList<>();
        for (String kind : count.events()) {
            if (!LogVocabulary.isKnown(kind)) {
                problems.add(linted.ruleYmlError(kind, "count.events: " + unknownKind(kind), "count", "events"));
            }
        }
        Set<String> known = known(new TreeSet<>(count.events()));
        if (known.isEmpty()) {
            return problems;
        }
        checkCountedAttribute(linted, "by", count.by(), known).ifPresent(problems::add);
        checkCountedAttribute(linted, "distinct", count.distinct(), known).ifPresent(problems::add);
        if (count.where() != null) {
            Matcher own = OWN_ATTRIBUTE.matcher(count.where());
            while (own.find()) {
                attributeProblem(own.group(1), known).ifPresent(message ->
                        problems.add(linted.ruleYmlError(null, "count.where: " + message, "count", "where")));
            }
        }
        return problems;
    }

    private static java.util.Optional<Problem> checkCountedAttribute(RuleLint.Linted linted, String field, String name,
                                                                    Set<String> kinds) {
        if (name == null || CountDeclaration.FIELDS.contains(name)) {
            return java.util.Optional.empty();
        }
        return attributeProblem(name, kinds).map(message -> linted.ruleYmlError(null, "count." + field + ": " + message
                + " (or count by one of the fields: " + String.join(", ", CountDeclaration.FIELDS) + ")", "count", field));
    }

    /** Why {@code attribute} is wrong for events of {@code kinds} ({@link #ANY} for every kind), or empty. */
    private static java.util.Optional<String> attributeProblem(String attribute, Set<String> kinds) {
        if (kinds.equals(ANY)) {
            if (LogVocabulary.allAttributes().contains(attribute)) {
                return java.util.Optional.empty();
            }
            Set<String> all = new TreeSet<>(LogVocabulary.allAttributes());
            return java.util.Optional.of("no LogEvent kind carries attribute \"" + attribute + "\", so it reads \"\" on every event"
                    + Suggestions.didYouMean(attribute, all) + "; the attributes are: " + String.join(", ", all) + GUIDE);
        }
        for (String kind : kinds) {
            if (LogVocabulary.carries(kind, attribute)) {
                return java.util.Optional.empty();
            }
        }
        Set<String> carried = kinds.size() == 1 ? LogVocabulary.attributes(kinds.iterator().next())
                : LogVocabulary.attributesOfAny(kinds);
        String events = kinds.size() == 1 ? kinds.iterator().next() + " events" : "events of kinds " + String.join(", ", kinds);
        return java.util.Optional.of(events + " never carry attribute \"" + attribute + "\", so it reads \"\" on every one"
                + Suggestions.didYouMean(attribute, carried) + "; they carry: " + String.join(", ", carried) + GUIDE);
    }

    private static String unknownKind(String kind) {
        return "\"" + kind + "\" is not a LogEvent kind, so no event ever matches it; the kinds, closest first: "
                + String.join(", ", Suggestions.closestFirst(kind, LogVocabulary.kinds())) + GUIDE;
    }

    /** The known kinds among {@code kinds}, in the vocabulary's order. */
    private static Set<String> known(Set<String> kinds) {
        Set<String> known = new LinkedHashSet<>();
        for (String kind : LogVocabulary.kinds()) {
            if (kinds.contains(kind)) {
                known.add(kind);
            }
        }
        return known;
    }

    /** Start and end of each kind literal's text (inside its quotes) in a constraint. */
    private static List<int[]> kindLiterals(String constraint) {
        List<int[]> literals = new ArrayList<>();
        Matcher compared = KIND_LITERAL.matcher(constraint);
        while (compared.find()) {
            literals.add(new int[] {compared.start(1), compared.end(1)});
        }
        Matcher listed = KIND_LIST.matcher(constraint);
        while (listed.find()) {
            Matcher quoted = QUOTED.matcher(constraint);
            quoted.region(listed.start(1), listed.end(1));
            while (quoted.find()) {
                literals.add(new int[] {quoted.start(1), quoted.end(1)});
            }
        }
        return literals;
    }
}
