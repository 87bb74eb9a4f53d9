package io.annexa.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Mistakes that compile but make a rule silently wrong, found when the library is built and reported where the
 * analyst wrote them: a {@code RuleParameter} condition naming a rule or parameter that does not exist
 * ({@link ParameterReferenceCheck}), a state finding raised with plain {@code insert} ({@link FindingInsertCheck}),
 * an event kind or attribute outside the event vocabulary ({@link EventVocabularyCheck}), an {@code eval} Drools
 * would only warn about in its log ({@link EvalCheck}), and two rules reading the same configuration for the same
 * control ({@link DuplicateRuleCheck}).
 *
 * <p>Runs on the enabled rules once they compiled: the checks read the author's DRL as parsed, which keeps the
 * positions the compiled rules lose. The rule generated from {@code count:} is not in that text; its declaration is
 * checked against rule.yml's lines.
 */
final class RuleLint {

    /** A rule being checked: its definition, where its files are shown, and its DRL as parsed. */
    record Linted(RuleDefinition rule, String drlFile, String ruleYmlFile, DrlOutline drl) {

        Problem error(int offset, String message) {
            DrlOutline.Position at = drl.position(offset);
            return Problem.error(drlFile, at.line(), at.column(), message);
        }

        Problem warning(int offset, String message) {
            DrlOutline.Position at = drl.position(offset);
            return Problem.warning(drlFile, at.line(), at.column(), message);
        }

        /** An error about rule.yml, at the value found at {@code path}. */
        Problem ruleYmlError(String value, String message, String... path) {
            DrlOutline.Position at = RuleYmlPositions.of(rule.folder().resolve("rule.yml"), value, path);
            return Problem.error(ruleYmlFile, at.line(), at.column(), message);
        }
    }

    /**
     * One rule as checked before: the texts it was checked in, its DRL as parsed (empty when it does not parse), and
     * what the checks of the rule on its own found. Parsing is most of the checks' time (about 1 ms a rule), so a
     * library built again after one rule changed parses and checks only that rule; what depends on the other rules
     * (references, duplicates) is checked again every time, on the parsed DRL.
     */
    private record Checked(String drlText, String ruleYmlText, Optional<DrlOutline> drl, List<Problem> own) {
    }

    /** By DRL file: the rules of the latest check, which a build after a change mostly finds unchanged. */
    private static volatile Map<String, Checked> latest = Map.of();

    private RuleLint() {
    }

    /**
     * @param rules   every rule of the library, enabled or not (a reference to a switched-off rule is no mistake)
     * @param enabled which of them are compiled here, and so checked
     * @param display how a file is named in a problem ({@code rules/...})
     */
    static List<Problem> check(Collection<RuleDefinition> rules, Predicate<String> enabled, Function<Path, String> display) {
        Map<String, RuleDefinition> library = new LinkedHashMap<>();
        rules.forEach(rule -> library.put(rule.id(), rule));
        Map<String, Checked> before = latest;
        Map<String, Checked> now = new HashMap<>();
        List<Linted> linted = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (RuleDefinition rule : rules) {
            if (!enabled.test(rule.id()) || !Files.isRegularFile(rule.drlFile())) {
                continue;
            }
            Path ruleYml = rule.folder().resolve("rule.yml");
            String drlFile = display.apply(rule.drlFile());
            String drlText = read(rule.drlFile());
            String ruleYmlText = read(ruleYml);
            Checked checked = before.get(drlFile);
            if (checked == null || !checked.drlText().equals(drlText) || !checked.ruleYmlText().equals(ruleYmlText)) {
                Optional<DrlOutline> drl = DrlOutline.parse(drlText);
                List<Problem> own = drl.map(outline -> checkAlone(new Linted(rule, drlFile, display.apply(ruleYml), outline)))
                        .orElse(List.of());
                checked = new Checked(drlText, ruleYmlText, drl, own);
            }
            now.put(drlFile, checked);
            problems.addAll(checked.own());
            checked.drl().ifPresent(outline -> linted.add(new Linted(rule, drlFile, display.apply(ruleYml), outline)));
        }
        latest = now;
        linted.sort(Comparator.comparing(Linted::drlFile));
        for (Linted rule : linted) {
            problems.addAll(ParameterReferenceCheck.check(rule, library));
        }
        problems.addAll(DuplicateRuleCheck.check(linted, library));
        // one report per place and message, in file order, as an analyst reads them
        List<Problem> distinct = new ArrayList<>(new LinkedHashSet<>(problems));
        distinct.sort(Comparator.comparing(Problem::file).thenComparingInt(Problem::line).thenComparingInt(Problem::column));
        return distinct;
    }

    /** The checks that need nothing but the rule's own files. */
    private static List<Problem> checkAlone(Linted rule) {
        List<Problem> problems = new ArrayList<>();
        problems.addAll(FindingInsertCheck.check(rule));
        problems.addAll(EventVocabularyCheck.check(rule));
        problems.addAll(EvalCheck.check(rule));
        return List.copyOf(problems);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
