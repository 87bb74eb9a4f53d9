package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.ingestion.scenario.ScenarioInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The rule author's safety net: every rule folder under rules/ is loaded, validated and its scenarios run.
 * Adding a rule adds its tests here without any Java. The run prints the report {@code annexa.jar test-rules}
 * prints: a line per scenario (what a failed one expected, found and read), then the summary.
 */
class RuleScenariosTest {

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
                    report.scenario(result);
                    assertThat(result.passed()).as(result.explain()).isTrue();
                }));
            }
            return dynamicContainer(rule.id(), rule.folder().toUri(), tests.stream());
        });
    }
}
