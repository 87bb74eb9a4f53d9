package io.annexa.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.drools.drl.ast.descr.AccumulateDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.CollectDescr;
import org.drools.drl.ast.descr.ConditionalElementDescr;
import org.drools.drl.ast.descr.EntryPointDescr;
import org.drools.drl.ast.descr.EvalDescr;
import org.drools.drl.ast.descr.ExprConstraintDescr;
import org.drools.drl.ast.descr.GlobalDescr;
import org.drools.drl.ast.descr.ImportDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.PatternDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;
import org.kie.internal.builder.conf.LanguageLevelOption;

/**
 * A DRL file as the build checks read it: its rules, the patterns of each with their constraints as written, and
 * each rule's consequence, all with positions in the file. The compiled rules lose the positions (a compiled pattern
 * has no line), so the checks read the parsed text: the same parser the compiler uses, on the author's own file.
 */
final class DrlOutline {

    /** Where something is in the file, as an analyst counts: line and column from 1. */
    record Position(int line, int column) {
    }

    /** One constraint of a pattern, {@code kind == "auth_failure"}, and where its text starts and ends. */
    record Constraint(String expression, int start, int end) {
    }

    /**
     * One pattern: its fact type as written ({@code LogEvent} or {@code io.annexa.evidence.LogEvent}), resolved
     * against the file's imports by {@link DrlOutline#isOf}; the variable bound to the fact, or null; whether it reads
     * working memory's default entry point (not {@code from}, {@code accumulate} or another entry point).
     */
    record Pattern(String type, String binding, int start, boolean defaultEntryPoint, boolean fromWorkingMemory,
                   List<Constraint> constraints) {
    }

    /** An {@code eval(...)} condition: its expression and where it starts. */
    record Eval(String expression, int start) {
    }

    /**
     * One DRL rule: its patterns and evals, wherever they are nested, and its consequence's text span in the file.
     */
    record Rule(String name, int start, List<Pattern> patterns, List<Eval> evals, int consequenceStart, int consequenceEnd) {
    }

    private final String text;
    private final List<ImportDescr> imports;
    private final List<GlobalDescr> globals;
    private final List<Rule> rules;
    private final int[] lineStarts;
    /** Worked out once per text: the outline is kept between builds ({@link RuleLint}). */
    private volatile String withoutComments;
    private final Map<String, Set<String>> literals = new ConcurrentHashMap<>();

    private DrlOutline(String text, PackageDescr parsed) {
        this.text = text;
        this.lineStarts = lineStarts(text);
        this.imports = parsed.getImports();
        this.globals = parsed.getGlobals();
        List<Rule> read = new ArrayList<>();
        for (RuleDescr rule : parsed.getRules()) {
            List<Pattern> patterns = new ArrayList<>();
            List<Eval> evals = new ArrayList<>();
            collect(rule.getLhs(), true, patterns, evals);
            int then = consequenceStart(rule);
            read.add(new Rule(rule.getName(), Math.max(rule.getStartCharacter(), 0), List.copyOf(patterns), List.copyOf(evals), then,
                    Math.max(then, Math.min(text.length(), rule.getEndCharacter() + 1))));
        }
        this.rules = List.copyOf(read);
    }

    /** The outline of {@code text}; empty when it does not parse (the compiler reports why). */
    static Optional<DrlOutline> parse(String text) {
        DrlParser parser = new DrlParser(LanguageLevelOption.DRL6);
        try {
            PackageDescr parsed = parser.parse(false, text);
            return parser.hasErrors() || parsed == null ? Optional.empty() : Optional.of(new DrlOutline(text, parsed));
        } catch (DroolsParserException | RuntimeException e) {
            return Optional.empty();
        }
    }

    String text() {
        return text;
    }

    List<Rule> rules() {
        return rules;
    }

    /** Whether a pattern's type, as written, is {@code type}: its full name, or its simple name imported. */
    boolean isOf(Pattern pattern, Class<?> type) {
        String written = pattern.type();
        if (written.equals(type.getName())) {
            return true;
        }
        if (!written.equals(type.getSimpleName())) {
            return false;
        }
        for (ImportDescr imported : imports) {
            String target = imported.getTarget();
            if (target.equals(type.getName()) || target.equals(type.getPackageName() + ".*")) {
                return true;
            }
        }
        return false;
    }

    /** The names of the globals of {@code type}: {@code findings} for the finding factory, as the guide writes it. */
    List<String> globalsOf(Class<?> type) {
        return globals.stream()
                .filter(g -> g.getType().equals(type.getName()) || g.getType().equals(type.getSimpleName()))
                .map(GlobalDescr::getIdentifier).toList();
    }

    /**
     * The values of {@code property} a pattern lets through, as the engine reads them: each constraint narrows what
     * the others let through ({@link EventInterest#literalsOf}); {@link EventInterest#ALL_KINDS} when the pattern does
     * not pin the property to string literals.
     */
    Set<String> literals(Pattern pattern, String property) {
        String key = pattern.start() + ":" + property;
        Set<String> known = literals.get(key);
        if (known != null) {
            return known;
        }
        Set<String> values = Set.of(EventInterest.ALL_KINDS);
        for (Constraint constraint : pattern.constraints()) {
            values = EventInterest.intersection(values, literals(constraint, property));
        }
        literals.putIfAbsent(key, values);
        return values;
    }

    /** The values of {@code property} one constraint lets through, as {@link #literals(Pattern, String)}. */
    Set<String> literals(Constraint constraint, String property) {
        return literals.computeIfAbsent(constraint.start() + "." + property,
                key -> EventInterest.literalsOf(constraint.expression(), property));
    }

    Position position(int offset) {
        int index = java.util.Arrays.binarySearch(lineStarts, offset);
        int line = index >= 0 ? index : -index - 2;
        return new Position(line + 1, offset - lineStarts[line] + 1);
    }

    /**
     * Where {@code "literal"} is written inside a constraint, or the constraint's start when it is not found
     * verbatim (an escaped quote, say).
     */
    int literalOffset(Constraint constraint, String literal) {
        int end = Math.min(text.length(), constraint.end() + 2);
        int at = text.substring(constraint.start(), Math.max(constraint.start(), end)).indexOf('"' + literal + '"');
        return at < 0 ? constraint.start() : constraint.start() + at;
    }

    /**
     * The file's text with comments blanked out, same length and lines, so that a match in it has the position it has
     * in the file and commented-out code is not taken for code.
     */
    String withoutComments() {
        if (withoutComments == null) {
            withoutComments = blankComments();
        }
        return withoutComments;
    }

    private String blankComments() {
        StringBuilder out = new StringBuilder(text);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = skipString(c, i + 1);
            } else if (text.startsWith("//", i)) {
                while (i < text.length() && text.charAt(i) != '\n') {
                    out.setCharAt(i++, ' ');
                }
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? text.length() : end + 2;
                for (; i < end; i++) {
                    if (text.charAt(i) != '\n') {
                        out.setCharAt(i, ' ');
                    }
                }
            } else {
                i++;
            }
        }
        return out.toString();
    }

    private int skipString(char quote, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) != quote && text.charAt(i) != '\n') {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(text.length(), i + 1);
    }

    /** The offset just after {@code then}: the parser gives the line and column of the keyword. */
    private int consequenceStart(RuleDescr rule) {
        int line = rule.getConsequenceLine();
        if (line <= 0 || line > lineStarts.length) {
            return Math.max(rule.getStartCharacter(), 0);
        }
        int from = lineStarts[line - 1] + Math.max(rule.getConsequencePattern(), 0);
        int then = text.indexOf("then", from);
        return then < 0 ? from : then + "then".length();
    }

    /**
     * Every pattern below {@code element}, with whether it reads working memory itself: the result pattern of an
     * {@code accumulate}, {@code collect} or {@code from} reads what its source makes, while the source's own patterns
     * (visited here too) read working memory.
     */
    private void collect(BaseDescr element, boolean fromWorkingMemory, List<Pattern> into, List<Eval> evals) {
        if (element instanceof PatternDescr pattern) {
            boolean ownSource = pattern.getSource() == null || pattern.getSource() instanceof EntryPointDescr;
            boolean defaultEntryPoint = pattern.getSource() == null
                    || (pattern.getSource() instanceof EntryPointDescr entryPoint && "DEFAULT".equals(entryPoint.getEntryId()));
            List<Constraint> constraints = new ArrayList<>();
            for (BaseDescr constraint : pattern.getDescrs()) {
                if (constraint instanceof ExprConstraintDescr expression) {
                    constraints.add(new Constraint(expression.getExpression(), Math.max(expression.getStartCharacter(), 0),
                            Math.max(expression.getEndCharacter(), expression.getStartCharacter())));
                }
            }
            into.add(new Pattern(pattern.getObjectType(), pattern.getIdentifier(), Math.max(pattern.getStartCharacter(), 0),
                    defaultEntryPoint, fromWorkingMemory && ownSource, List.copyOf(constraints)));
            if (pattern.getSource() instanceof AccumulateDescr accumulate && accumulate.getInput() != null) {
                collect(accumulate.getInput(), true, into, evals);
            } else if (pattern.getSource() instanceof CollectDescr collected && collected.getInputPattern() != null) {
                collect(collected.getInputPattern(), true, into, evals);
            }
        } else if (element instanceof EvalDescr eval) {
            evals.add(new Eval(String.valueOf(eval.getContent()), Math.max(eval.getStartCharacter(), 0)));
        } else if (element instanceof ConditionalElementDescr conditional) { // and, or, not, exists, forall
            conditional.getDescrs().forEach(nested -> collect(nested, fromWorkingMemory, into, evals));
        }
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
