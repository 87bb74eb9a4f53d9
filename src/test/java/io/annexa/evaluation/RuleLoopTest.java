package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.annexa.control.ControlCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule that never settles is named, and only it: here a rule that replaces its fact by an equal new one on every
 * firing (a plain insert of an equal fact), next to an innocent rule that notes each of those facts, twice. The innocent rule fires twice as often as
 * the looping one, so "the rule with the most firings" would blame it.
 */
class RuleLoopTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final String THEME = "technological/c8_16_monitoring_activities";
    private static final String LOOPING = "step_counter";
    private static final String INNOCENT = "step_noted";
    private static final String LOOPING_PACKAGE = THEME.replace('/', '.') + "." + LOOPING;
    private static final String INNOCENT_PACKAGE = THEME.replace('/', '.') + "." + INNOCENT;

    @TempDir
    Path rules;

    @BeforeEach
    void writeRules() throws IOException {
        rule(LOOPING, """
                import io.annexa.evaluation.Tick;
                import io.annexa.evidence.Asset;

                rule "step_counter: start"
                when
                    Tick()
                then
                    insert(new Asset("step"));
                end

                // each firing makes its own next match: the new Asset is equal to the old one, but another fact
                rule "step_counter: next step"
                when
                    $step : Asset( name == "step" )
                then
                    delete($step);
                    insert(new Asset("step"));
                end
                """);
        rule(INNOCENT, """
                import io.annexa.evidence.Asset;

                // fires once for each Asset the looping rule inserts, before that rule replaces it
                rule "step_noted: note a step"
                salience 10
                when
                    Asset( name == "step" )
                then
                end

                rule "step_noted: note it again"
                salience 10
                when
                    Asset( name == "step" )
                then
                end
                """);
    }

    @Test
    void theLoopingRuleIsNamedNotTheRuleItActivates() throws Exception {
        try (EvaluationSession session = RuleLibrary.load(rules, CATALOG).newSession(EvaluationSession.Clock.PSEUDO)) {
            EvaluationSession.RuleLoopException loop = catchThrowableOfType(EvaluationSession.RuleLoopException.class, session::fire);

            assertThat(session.firings().get(INNOCENT_PACKAGE)).as("the innocent rule fired most")
                    .isGreaterThan(session.firings().get(LOOPING_PACKAGE));
            assertThat(loop).isNotNull();
            assertThat(loop.getMessage())
                    .startsWith("rules fired " + EvaluationSession.FIRING_LIMIT + " times in one evaluation without settling:"
                            + " rule step_counter re-activates itself: each of its firings makes its next match"
                            + " (DRL rule \"step_counter: next step\", ")
                    .contains("a modify or update of a fact its conditions read")
                    .contains("a plain insert of a new, equal fact on every firing")
                    .contains("declare count: in rule.yml")
                    .doesNotContain(INNOCENT);
        }
    }

    @Test
    void withAFailureHandlerOnlyTheLoopingRuleIsRefused() throws Exception {
        List<EvaluationSession.RuleFailure> failures = new ArrayList<>();
        try (EvaluationSession session = RuleLibrary.load(rules, CATALOG).newSession(EvaluationSession.Clock.PSEUDO)) {
            session.onRuleFailure(failures::add);

            session.fire();

            assertThat(failures).singleElement().satisfies(failure -> {
                assertThat(failure.drlPackage()).isEqualTo(LOOPING_PACKAGE);
                assertThat(failure.ruleName()).as("a loop is told by rule, not by one DRL rule").isNull();
                assertThat(failure.reason()).contains("without settling").contains("rule step_counter re-activates itself")
                        .doesNotContain(INNOCENT);
            });
        }
    }

    private void rule(String id, String drl) throws IOException {
        Path folder = Files.createDirectories(rules.resolve(THEME).resolve(id));
        Files.writeString(folder.resolve("rule.yml"), """
                id: %s
                title: A rule for the loop test
                controls:
                  iso27002:2022: ["8.16"]
                severity: low
                sources: [log]
                rationale: For the test.
                remediation: None.
                """.formatted(id));
        Files.writeString(folder.resolve(id + ".drl"), "package " + THEME.replace('/', '.') + "." + id + ";\n\n"
                + "global io.annexa.evaluation.FindingFactory findings;\n\n" + drl);
    }
}
