package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.ingestion.scenario.ScenarioInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a rule author sees when a rule is wrong: every problem in the library at once, each naming the
 * file as {@code rules/<path>}, the line and column where they are known, and what is wrong.
 *
 * <p>Each test writes a small rule tree of its own (one rule modelled on the real
 * {@code sshd_root_login_disabled}, with known line numbers) and breaks it in one place.
 */
class RuleLibraryTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();

    private static final String THEME = "technological/c8_05_secure_authentication";
    private static final String ID = "sshd_root_login_disabled";
    private static final String FOLDER = THEME + "/" + ID;
    private static final String YML = FOLDER + "/rule.yml";
    private static final String DRL = FOLDER + "/" + ID + ".drl";

    /** Line 4 holds the controls, line 5 the severity. */
    private static final String RULE_YML = """
            id: %s
            title: SSH does not let root log in directly
            controls:
              iso27002:2022: ["8.5"]
            severity: high
            sources: [sshd_config]
            rationale: A direct root login leaves no trace of which person used the account.
            remediation: Set "PermitRootLogin no" in sshd_config.
            """;

    /** Line 1 the package, line 9 the pattern, line 10 {@code then}, line 11 the consequence, line 12 {@code end}. */
    private static final String RULE_DRL = """
            package %s;

            import io.annexa.evidence.ConfigEntry;

            global io.annexa.evaluation.FindingFactory findings;

            rule "%s: PermitRootLogin allows root"
            when
                $entry : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", value not matches "(?i)no" )
            then
                insertLogical(findings.of(drools, $entry.getAsset(), "root may log in over SSH: " + $entry.describe()));
            end
            """;

    @TempDir
    Path work;

    private Path rules;

    @BeforeEach
    void writeValidRule() throws IOException {
        rules = work.resolve("rules");
        writeRule(FOLDER);
    }

    // --- a valid library -------------------------------------------------------------------------

    @Test
    void theProjectsRulesLoad() throws Exception {
        Path project = work.resolve("project/rules");
        copyTree(ProjectFiles.rules(), project);

        RuleLibrary library = RuleLibrary.load(project, CATALOG);

        assertThat(library.rules()).extracting(RuleDefinition::id)
                .contains("sshd_root_login_disabled", "sshd_password_authentication_disabled");
        assertThat(library.warnings()).isEmpty();
        assertThat(library.kieBase()).isNotNull();
        assertThat(library.contentHash()).matches("[0-9a-f]{64}");
    }

    @Test
    void aValidRuleLoadsWithWhatItsRuleYmlSays() throws Exception {
        RuleLibrary library = RuleLibrary.load(rules, CATALOG);

        RuleDefinition rule = library.rule(ID).orElseThrow();
        assertThat(rule.controls()).containsExactly("8.5");
        assertThat(rule.severity()).isEqualTo(Severity.HIGH);
        assertThat(rule.sources()).containsExactly("sshd_config");
        assertThat(rule.drlPackage()).isEqualTo("technological.c8_05_secure_authentication.sshd_root_login_disabled");
        assertThat(rule.folder()).isEqualTo(rules.resolve(FOLDER));
    }

    @Test
    void contentHashIsStableAndChangesWithTheRules() throws Exception {
        String first = RuleLibrary.load(rules, CATALOG).contentHash();
        assertThat(RuleLibrary.load(rules, CATALOG).contentHash()).as("same files, loaded again").isEqualTo(first);

        Path elsewhere = work.resolve("elsewhere/rules");
        copyTree(rules, elsewhere);
        assertThat(RuleLibrary.load(elsewhere, CATALOG).contentHash()).as("same files in another directory").isEqualTo(first);

        replace(DRL, "root may log in over SSH: ", "root may log in: ");
        String drlChanged = RuleLibrary.load(rules, CATALOG).contentHash();
        assertThat(drlChanged).as("after a DRL change").isNotEqualTo(first);
        assertThat(RuleLibrary.load(rules, CATALOG).contentHash()).isEqualTo(drlChanged);

        replace(YML, "severity: high", "severity: critical");
        assertThat(RuleLibrary.load(rules, CATALOG).contentHash()).as("after a rule.yml change")
                .isNotEqualTo(drlChanged).isNotEqualTo(first);
    }

    // --- DRL problems ----------------------------------------------------------------------------

    @Test
    void drlMissingThenIsReportedWithFileAndLine() throws Exception {
        replace(DRL, "then\n", "");

        List<Problem> problems = problems();

        // without 'then' the parser reads the consequence as a pattern and trips over 'end', now on line 11
        assertProblem(problems, DRL, 11, "mismatched input 'end'");
        assertEveryProblemIsLocated(problems);
    }

    @Test
    void drlUnbalancedParenthesisIsReportedWithFileLineAndColumn() throws Exception {
        replace(DRL, "value not matches \"(?i)no\" )", "value not matches \"(?i)no\"");

        List<Problem> problems = problems();

        // the parser notices at 'then' (line 10, column 1)
        Problem problem = assertProblem(problems, DRL, 10, "mismatched input 'then'");
        assertThat(problem.column()).isEqualTo(1);
        assertEveryProblemIsLocated(problems);
    }

    @Test
    void drlSyntaxErrorInTheMiddleOfALineHasItsColumn() throws Exception {
        replace(DRL, "key == \"PermitRootLogin\",", "key == \"PermitRootLogin\" &&& ,");

        List<Problem> problems = problems();

        Problem problem = assertProblem(problems, DRL, 9, "&");
        String line9 = Files.readAllLines(rules.resolve(DRL)).get(8);
        assertThat(problem.column()).as("1-based column of the offending character in: " + line9).isBetween(
                line9.indexOf("&&&") + 1, line9.indexOf("&&&") + 3);
        assertEveryProblemIsLocated(problems);
    }

    @Test
    void drlUsingAnUnknownFactTypeIsReported() throws Exception {
        replace(DRL, "$entry : ConfigEntry(", "$entry : SshdSetting(");

        List<Problem> problems = problems();

        assertProblem(problems, DRL, 9, "Unable to resolve ObjectType 'SshdSetting'");
        assertEveryProblemIsLocated(problems);
    }

    @Test
    void drlUsingAnUnknownFieldIsReported() throws Exception {
        replace(DRL, "key == \"PermitRootLogin\"", "keyy == \"PermitRootLogin\"");

        List<Problem> problems = problems();

        assertProblem(problems, DRL, 9, "keyy");
        assertEveryProblemIsLocated(problems);
    }

    @Test
    void drlCallingAnUnknownMethodInTheConsequenceIsReported() throws Exception {
        replace(DRL, "$entry.getAsset()", "$entry.getAssett()");

        List<Problem> problems = problems();

        // Drools places consequence errors at the rule's first line
        assertProblem(problems, DRL, 7, "getAssett()");
        assertEveryProblemIsLocated(problems);
    }

    @Test
    void drlPackageMustBeTheFolderPath() throws Exception {
        replace(DRL, "package technological.c8_05_secure_authentication.sshd_root_login_disabled;",
                "package technological.sshd_root_login_disabled;");

        List<Problem> problems = problems();

        Problem problem = assertProblem(problems, DRL, 1, "package 'technological.sshd_root_login_disabled'");
        assertThat(problem.message()).contains("technological.c8_05_secure_authentication.sshd_root_login_disabled");
        assertThat(problem.column()).isEqualTo("package ".length() + 1);
    }

    @Test
    void drlWithoutPackageIsReported() throws Exception {
        replace(DRL, "package technological.c8_05_secure_authentication.sshd_root_login_disabled;\n", "");

        assertProblem(problems(), DRL, 0, "has no package declaration");
    }

    @Test
    void drlWithoutRuleYmlIsReported() throws Exception {
        Path orphan = rules.resolve(THEME + "/sshd_orphan/sshd_orphan.drl");
        Files.createDirectories(orphan.getParent());
        Files.writeString(orphan, RULE_DRL.formatted("technological.c8_05_secure_authentication.sshd_orphan", "sshd_orphan"));

        assertProblem(problems(), THEME + "/sshd_orphan/sshd_orphan.drl", 0, "add a rule.yml");
    }

    @Test
    void ruleFolderWithoutItsDrlIsReported() throws Exception {
        Files.delete(rules.resolve(DRL));

        assertProblem(problems(), FOLDER, 0, "no " + ID + ".drl");
    }

    @Test
    void folderNameThatIsNoJavaIdentifierIsReported() throws Exception {
        writeRule("technological/8_5/sshd_other_rule");

        List<Problem> problems = problems();

        Problem problem = assertProblem(problems, "technological/8_5/sshd_other_rule", 0, "'8_5'");
        assertThat(problem.message()).contains("Java identifier");
    }

    @Test
    void duplicateIdsInTwoThemesAreReported() throws Exception {
        writeRule("organizational/c5_15_access_control/" + ID);

        List<Problem> problems = problems();

        // folders are read in order: organizational/ first, so the technological/ copy is the duplicate
        Problem problem = assertProblem(problems, YML, 0, "duplicate rule id '" + ID + "'");
        assertThat(problem.message()).contains("rules/organizational/c5_15_access_control/" + ID);
    }

    // --- rule.yml problems -----------------------------------------------------------------------

    @Test
    void invalidYamlIsReportedWithLineAndColumn() throws Exception {
        replace(YML, "title: SSH does not let root log in directly", "title: SSH: does not let root log in directly");

        Problem problem = assertProblem(problems(), YML, 2, "not valid YAML");
        assertThat(problem.column()).isEqualTo("title: SSH:".length());
    }

    @Test
    void unclosedListInYamlIsReported() throws Exception {
        replace(YML, "[\"8.5\"]", "[\"8.5\"");

        Problem problem = assertProblem(problems(), YML, 5, "not valid YAML");
        assertThat(problem.column()).isPositive();
    }

    @Test
    void misspelledFieldIsReportedWithTheMissingOne() throws Exception {
        replace(YML, "severity: high", "severty: high");

        List<Problem> problems = problems();

        Problem unknown = assertProblem(problems, YML, 5, "unknown field 'severty'");
        assertThat(unknown.column()).isEqualTo(1);
        assertThat(unknown.message()).contains("severity");
        assertProblem(problems, YML, 1, "missing field 'severity'");
    }

    @Test
    void missingFieldIsReported() throws Exception {
        replace(YML, "title: SSH does not let root log in directly\n", "");

        assertProblem(problems(), YML, 1, "missing field 'title'");
    }

    @Test
    void unknownControlIdIsReportedWhereItIsWritten() throws Exception {
        replace(YML, "[\"8.5\"]", "[\"8.5\", \"8.35\"]");

        Problem problem = assertProblem(problems(), YML, 4, "'8.35' is not an ISO/IEC 27002:2022 control id");
        assertThat(problem.column()).isEqualTo("  iso27002:2022: [\"8.5\", ".length() + 1);
    }

    @Test
    void unknownControlIdInABlockListIsReportedOnItsOwnLine() throws Exception {
        replace(YML, "  iso27002:2022: [\"8.5\"]\n", """
                  iso27002:2022:
                    - "8.5"
                    - "8.35"
                """);

        Problem problem = assertProblem(problems(), YML, 6, "'8.35' is not an ISO/IEC 27002:2022 control id");
        assertThat(problem.column()).isEqualTo(7);
    }

    @Test
    void annexAControlIdOf2013IsRejected() throws Exception {
        replace(YML, "[\"8.5\"]", "[\"A.9.4.2\"]");

        Problem problem = assertProblem(problems(), YML, 4, "'A.9.4.2' is not an ISO/IEC 27002:2022 control id");
        assertThat(problem.column()).isEqualTo("  iso27002:2022: [".length() + 1);
    }

    @Test
    void unquotedControlIdKeepsTheTextAsWritten() throws Exception {
        replace(YML, "[\"8.5\"]", "[8.10]");

        RuleLibrary library = RuleLibrary.load(rules, CATALOG);

        assertThat(library.rule(ID).orElseThrow().controls()).containsExactly("8.10");
    }

    @Test
    void unknownEditionIsReported() throws Exception {
        replace(YML, "iso27002:2022:", "iso27002:2013:");

        Problem problem = assertProblem(problems(), YML, 4, "unknown standard edition 'iso27002:2013'");
        assertThat(problem.column()).isEqualTo(3);
        assertThat(problem.message()).contains("iso27002:2022");
    }

    @Test
    void unknownSeverityIsReported() throws Exception {
        replace(YML, "severity: high", "severity: severe");

        Problem problem = assertProblem(problems(), YML, 5, "severity 'severe' is not one of low, medium, high, critical");
        assertThat(problem.column()).isEqualTo("severity: ".length() + 1);
    }

    @Test
    void idMustBeTheFolderName() throws Exception {
        replace(YML, "id: " + ID, "id: sshd_root_login_forbidden");

        Problem problem = assertProblem(problems(), YML, 1, "id 'sshd_root_login_forbidden' must equal the rule folder name '" + ID + "'");
        assertThat(problem.column()).isEqualTo("id: ".length() + 1);
    }

    // --- everything at once ----------------------------------------------------------------------

    @Test
    void everyProblemInEveryRuleIsReportedAtOnce() throws Exception {
        writeRule(THEME + "/sshd_second_rule");
        replace(YML, "severity: high", "severity: severe");
        replace(THEME + "/sshd_second_rule/rule.yml", "[\"8.5\"]", "[\"8.35\"]");

        List<Problem> problems = problems();

        assertProblem(problems, YML, 5, "severity 'severe'");
        assertProblem(problems, THEME + "/sshd_second_rule/rule.yml", 4, "'8.35'");
    }

    @Test
    void syntaxErrorsInTwoDrlsAreBothReported() throws Exception {
        writeRule(THEME + "/sshd_second_rule");
        replace(DRL, "then\n", "");
        replace(THEME + "/sshd_second_rule/sshd_second_rule.drl", "value not matches \"(?i)no\" )", "value not matches \"(?i)no\"");

        List<Problem> problems = problems();

        assertProblem(problems, DRL, 11, "mismatched input");
        assertProblem(problems, THEME + "/sshd_second_rule/sshd_second_rule.drl", 10, "mismatched input");
        assertEveryProblemIsLocated(problems);
    }

    @Test
    void drlErrorsAreReportedAlongsideRuleYmlProblemsOfOtherRules() throws Exception {
        writeRule(THEME + "/sshd_second_rule");
        replace(YML, "severity: high", "severity: severe");
        replace(THEME + "/sshd_second_rule/sshd_second_rule.drl", "$entry : ConfigEntry(", "$entry : SshdSetting(");

        List<Problem> problems = problems();

        assertProblem(problems, YML, 5, "severity 'severe'");
        assertProblem(problems, THEME + "/sshd_second_rule/sshd_second_rule.drl", 9, "SshdSetting");
    }

    // --- scenarios -------------------------------------------------------------------------------

    @Test
    void scenarioRunnerAcceptsARuleWithPassingAndFailingScenarios() throws Exception {
        writeScenario("root_login_no.pass.sshd_config", "PermitRootLogin no\n");
        writeScenario("root_login_yes.fail.sshd_config", "PermitRootLogin yes\n");

        assertThat(scenarioProblems()).isEmpty();
    }

    @Test
    void scenarioRunnerRequiresAFailingScenario() throws Exception {
        writeScenario("root_login_no.pass.sshd_config", "PermitRootLogin no\n");

        assertThat(scenarioProblems()).singleElement().asString()
                .contains(ID).contains("no failing scenario");
    }

    @Test
    void scenarioRunnerRequiresAPassingScenario() throws Exception {
        writeScenario("root_login_yes.fail.sshd_config", "PermitRootLogin yes\n");
        writeScenario("root_login_maybe.notapplicable.sshd_config", "Port 22\n");

        assertThat(scenarioProblems()).singleElement().asString()
                .contains(ID).contains("no passing scenario");
    }

    @Test
    void scenarioRunnerRequiresScenariosAtAll() throws Exception {
        assertThat(scenarioProblems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("no passing scenario"))
                .anySatisfy(p -> assertThat(p).contains("no failing scenario"));
    }

    @Test
    void scenarioRunnerReportsAMisnamedScenario() throws Exception {
        writeScenario("root_login_no.pass.sshd_config", "PermitRootLogin no\n");
        writeScenario("x.fial.sshd_config", "PermitRootLogin yes\n");

        List<String> problems = scenarioProblems();

        assertThat(problems).hasSize(2);
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .contains(ID + "/tests/x.fial.sshd_config").contains("<pass|fail|notapplicable>"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("no failing scenario"));
        RuleLibrary library = RuleLibrary.load(rules, CATALOG);
        assertThat(new ScenarioRunner(library, new ScenarioInputs(ControlCatalog.load())::forSource).scenarios(library.rule(ID).orElseThrow()))
                .extracting(Scenario::name).containsExactly("root_login_no");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private List<String> scenarioProblems() throws RuleLibraryException {
        RuleLibrary library = RuleLibrary.load(rules, CATALOG);
        return new ScenarioRunner(library, new ScenarioInputs(ControlCatalog.load())::forSource).problems(library.rule(ID).orElseThrow());
    }

    private void writeScenario(String name, String content) throws IOException {
        Path file = rules.resolve(FOLDER).resolve("tests").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** A valid rule in {@code folder} (relative to rules/), its id the folder name. */
    private void writeRule(String folder) throws IOException {
        Path dir = rules.resolve(folder);
        String id = dir.getFileName().toString();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rule.yml"), RULE_YML.formatted(id));
        Files.writeString(dir.resolve(id + ".drl"), RULE_DRL.formatted(folder.replace('/', '.'), id));
    }

    private void replace(String file, String text, String replacement) throws IOException {
        Path path = rules.resolve(file);
        String content = Files.readString(path);
        assertThat(content).as("test set-up: " + file).contains(text);
        Files.writeString(path, content.replace(text, replacement));
    }

    private List<Problem> problems() {
        try {
            RuleLibrary.load(rules, CATALOG);
        } catch (RuleLibraryException e) {
            assertThat(e.getProblems()).isNotEmpty();
            assertThat(e.getProblems()).allSatisfy(p -> assertThat(p.file()).startsWith("rules/"));
            assertThat(e.getMessage()).contains(e.getProblems().get(0).toString());
            return e.getProblems();
        }
        return fail("the library loaded, but it should have been refused");
    }

    /**
     * The problem about {@code file} (relative to rules/) whose message contains {@code text}, at
     * {@code line} (0: no line expected).
     */
    private static Problem assertProblem(List<Problem> problems, String file, int line, String text) {
        String expectedFile = "rules/" + file;
        List<Problem> matching = problems.stream()
                .filter(p -> p.file().equals(expectedFile) && p.message().contains(text))
                .toList();
        assertThat(matching).as("problems about " + expectedFile + " saying \"" + text + "\" among:\n" + describe(problems))
                .isNotEmpty();
        Problem problem = matching.get(0);
        assertThat(problem.isError()).as(problem.toString()).isTrue();
        assertThat(problem.line()).as("line of " + problem).isEqualTo(line);
        assertThat(problem.toString()).startsWith(expectedFile + (line > 0 ? ":" + line : ""));
        return problem;
    }

    /** No problem leaves the author guessing where it is. */
    private static void assertEveryProblemIsLocated(List<Problem> problems) {
        assertThat(problems).as(describe(problems)).allSatisfy(p -> assertThat(p.line()).as(p.toString()).isPositive());
    }

    private static String describe(List<Problem> problems) {
        return String.join("\n", problems.stream().map(p -> "  " + p).toList());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            walk.forEach(source -> {
                Path target = to.resolve(from.relativize(source).toString());
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
