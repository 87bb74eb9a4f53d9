package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.ingestion.scenario.ScenarioInputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The rule author's safety net: every rule folder under rules/ is loaded, validated and its scenarios run, each through
 * both ways evidence reaches the engine (replayed event by event, and handed over live as one batch fired once), which
 * must agree; a fail scenario must raise the evidence its {@code .expect} file states. Adding a rule adds its tests
 * here without any Java. The run prints the report {@code annexa.jar test-rules} prints: a line per scenario (what a
 * failed one expected, found and read), then the summary.
 *
 * <p>With {@code -Dannexa.regenerate=true}, a fail scenario without an {@code .expect} file gets one, proposed from what
 * its rule raises ({@link ScenarioRunner#proposedExpectations}): review it before committing, it pins today's text.
 */
class RuleScenariosTest {

    private static final boolean WRITE_EXPECTATIONS = Boolean.getBoolean("annexa.regenerate");

    private static RuleLibrary library;
    private static ScenarioRunner runner;
    private static ScenarioReport report;

    @BeforeAll
    static void loadLibrary() throws RuleLibraryException {
        library = RuleLibrary.load(ProjectFiles.rules(), ControlCatalog.load());
        runner = new ScenarioRunner(library, new ScenarioInputs(ControlCatalog.load())::forSource);
        report = new ScenarioReport(System.out::println);
        report.warnings(library.warnings());
    }

    @AfterAll
    static void printSummary() {
        System.out.println(report.summary());
    }

    @Test
    void libraryCompilesWithoutWarnings() {
        assertThat(library.warnings()).isEmpty();
        assertThat(library.rules()).extracting(RuleDefinition::id)
                .contains("sshd_root_login_disabled", "sshd_password_authentication_disabled");
    }

    @TestFactory
    Stream<DynamicNode> everyRuleMeetsItsScenarios() {
        return library.rules().stream().map(rule -> {
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(dynamicTest("has passing and failing scenarios, all well named", () -> {
                List<String> problems = runner.problems(rule);
                report.rule(rule, problems);
                assertThat(problems).isEmpty();
            }));
            for (Scenario scenario : runner.scenarios(rule)) {
                tests.add(dynamicTest(scenario.file().getFileName().toString(), scenario.file().toUri(), () -> {
                    ScenarioRunner.Result result = runner.run(scenario);
                    if (WRITE_EXPECTATIONS && scenario.expected() == Scenario.Outcome.FAIL && result.problem() == null
                            && !result.findings().isEmpty() && !Files.exists(ScenarioRunner.expectFile(scenario.file()))) {
                        Files.write(ScenarioRunner.expectFile(scenario.file()), ScenarioRunner.proposedExpectations(result),
                                StandardCharsets.UTF_8);
                        result = runner.run(scenario);
                    }
                    report.scenario(result);
                    assertThat(result.passed()).as(result.explain()).isTrue();
                }));
            }
            tests.add(dynamicTest("every fail scenario states the evidence it expects",
                    () -> assertThat(runner.expectationProblems(rule)).isEmpty()));
            return dynamicContainer(rule.id(), rule.folder().toUri(), tests.stream());
        });
    }
}
