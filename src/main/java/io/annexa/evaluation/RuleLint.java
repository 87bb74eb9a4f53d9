package io.annexa.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
        List<Linted> linted = new ArrayList<>();
        for (RuleDefinition rule : rules) {
            if (enabled.test(rule.id()) && Files.isRegularFile(rule.drlFile())) {
                DrlOutline.parse(read(rule.drlFile())).ifPresent(drl -> linted.add(
                        new Linted(rule, display.apply(rule.drlFile()), display.apply(rule.folder().resolve("rule.yml")), drl)));
            }
        }
        linted.sort(Comparator.comparing(Linted::drlFile));
        List<Problem> problems = new ArrayList<>();
        for (Linted rule : linted) {
            problems.addAll(ParameterReferenceCheck.check(rule, library));
            problems.addAll(FindingInsertCheck.check(rule));
            problems.addAll(EventVocabularyCheck.check(rule));
            problems.addAll(EvalCheck.check(rule));
        }
        problems.addAll(DuplicateRuleCheck.check(linted, library));
        // one report per place and message, in file order, as an analyst reads them
        List<Problem> distinct = new ArrayList<>(new LinkedHashSet<>(problems));
        distinct.sort(Comparator.comparing(Problem::file).thenComparingInt(Problem::line).thenComparingInt(Problem::column));
        return distinct;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
