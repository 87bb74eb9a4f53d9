package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.ProjectFiles;
import io.annexa.ingestion.scenario.ScenarioInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The upload path: a draft is bounded, confined to its own folder, and its rule code never runs unchecked. */
class RuleDraftTest {

    private static final String PATH = RuleSandboxTest.FOLDER;
    private static final String PASS = "PermitRootLogin no\n";
    private static final String FAIL = "PermitRootLogin yes\n";

    @TempDir
    Path work;

    private final ScenarioInputs inputs = new ScenarioInputs(RuleSandboxTest.CATALOG);

    private List<String> check(RuleDraft draft, RuleDraft.Limits limits) throws IOException {
        Path rules = work.resolve("service-rules");
        Files.createDirectories(rules);
        return draft.check(rules, null, RuleSandboxTest.CATALOG, inputs::forSource, limits);
    }

    private static Map<String, String> scenarios() {
        Map<String, String> scenarios = new LinkedHashMap<>();
        scenarios.put("root_no.pass.sshd_config", PASS);
        scenarios.put("root_yes.fail.sshd_config", FAIL);
        return scenarios;
    }

    private static String drl(String consequence) {
        return """
                package PACKAGE;

                import io.annexa.evidence.ConfigEntry;

                global io.annexa.evaluation.FindingFactory findings;

                rule "uploaded"
                when
                    $e : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", value not matches "(?i)no" )
                then
                %s
                end
                """.replace("PACKAGE", PATH.replace('/', '.')).formatted(consequence);
    }

    @Test
    void aHostileDraftsScenariosNeverRun() throws IOException {
        Path target = work.resolve("created-by-rule");
        // line 11 of the DRL
        String consequence = "    try { java.nio.file.Files.createFile(java.nio.file.Path.of(\"" + target + "\")); } catch (Exception e) { }\n"
                + "    insertLogical(findings.of(drools, $e.getAsset(), \"x\"));";
        RuleDraft draft = new RuleDraft(PATH, RuleSandboxTest.RULE_YML, drl(consequence), scenarios());

        List<String> problems = check(draft, RuleDraft.Limits.DEFAULT);

        assertThat(Files.exists(target)).isFalse();
        assertThat(problems).anySatisfy(problem -> assertThat(problem)
                .startsWith("rules/" + PATH + "/evil.drl:11: error: rule uploaded reaches java.nio.file.Path.of(String, String[])")
                .endsWith("(sandbox)"));
    }

    /**
     * Drafts that ran code unchecked before the sandbox read the parsed file (each created its marker file when its
     * scenarios ran, or already while Drools compiled it): name, what the refusal says, the DRL ({@code MARKER} is the
     * file it tries to create).
     */
    static Stream<Arguments> draftsThatRanCodeUnchecked() {
        String when = "when\n    $e : ConfigEntry( source == \"sshd_config\", key == \"PermitRootLogin\", value not matches \"(?i)no\" )\n";
        String then = "then\n    insertLogical(findings.of(drools, $e.getAsset(), \"x\"));\nend\n";
        String head = "package PACKAGE;\n\nimport io.annexa.evidence.ConfigEntry;\n\nglobal io.annexa.evaluation.FindingFactory findings;\n\n";
        String create = "new java.io.File(\"MARKER\").createNewFile()";
        return Stream.of(
                Arguments.of("a package line in a comment, another package compiled",
                        "evil.drl:4:9: error: rule uploaded: package 'org.example.evil' must be the rule folder's path",
                        head.replace("package PACKAGE;", "/*\npackage PACKAGE;\n*/\npackage org.example.evil;") + "rule \"uploaded\"\n" + when
                                + "then\n    try { java.nio.file.Files.createFile(java.nio.file.Path.of(\"MARKER\")); } catch (Exception x) { }\n"
                                + "    insertLogical(findings.of(drools, $e.getAsset(), \"x\"));\nend\n"),
                Arguments.of("dialect \"mvel\" without a space",
                        "evil.drl:8: error: rule uploaded: dialect \"mvel\" is refused",
                        head + "rule \"uploaded\"\n    dialect\"mvel\"\n" + when + "then\n    " + create + ";\n"
                                + "    insertLogical(findings.of(drools, $e.getAsset(), \"x\"));\nend\n"),
                Arguments.of("the pattern an accumulate reads",
                        "evil.drl:10: error: rule uploaded uses java.io.File",
                        head + "rule \"uploaded\"\n" + when + "    Number() from accumulate( ConfigEntry( " + create + " ), count(1) )\n" + then),
                Arguments.of("the pattern a collect reads",
                        "evil.drl:10: error: rule uploaded uses java.io.File",
                        head + "rule \"uploaded\"\n" + when + "    java.util.List() from collect( ConfigEntry( " + create + " ) )\n" + then),
                Arguments.of("a declared field's initialiser, evaluated while compiling",
                        "evil.drl:8: error: declare Holder: field made initialised with java.io.File",
                        head + "declare Holder\n    made : boolean = " + create + "\nend\n\nrule \"uploaded\"\n" + when + then),
                Arguments.of("rule metadata, evaluated while compiling",
                        "evil.drl:8: error: rule uploaded: @meta uses java.io.File",
                        head + "rule \"uploaded\"\n    @meta( " + create + " )\n" + when + then),
                Arguments.of("an enum constant's argument",
                        "evil.drl:8: error: declare enum Made: constant YES made with java.io.File",
                        head + "declare enum Made\n    YES( " + create + " );\n    made : boolean\nend\n\nrule \"uploaded\"\n" + when
                                + "then\n    insertLogical(findings.of(drools, $e.getAsset(), \"x\" + Made.YES));\nend\n"),
                Arguments.of("a declared event's @timestamp",
                        "evil.drl:9: error: declare Tick: @timestamp uses java.io.File",
                        head + "declare Tick\n    @role( event )\n    @timestamp( " + create + " ? 0L : 0L )\n    at : long\nend\n\n"
                                + "rule \"uploaded\"\n" + when + "then\n    insert(new Tick(0L));\n"
                                + "    insertLogical(findings.of(drools, $e.getAsset(), \"x\"));\nend\n"),
                Arguments.of("a declared type extending java.io.File, its inherited static method called",
                        "evil.drl:7: error: declare Made extends java.io.File (not a class rule code may extend)",
                        head + "declare Made extends java.io.File\nend\n\nrule \"uploaded\"\n" + when
                                + "then\n    try { Made.createTempFile(\"MARKER_NAME\", \"\"); } catch (Exception x) { }\n"
                                + "    insertLogical(findings.of(drools, $e.getAsset(), \"x\"));\nend\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("draftsThatRanCodeUnchecked")
    void aDraftThatRanCodeUncheckedIsRefusedBeforeAnyOfItRuns(String name, String refusal, String drl) throws IOException {
        Path marker = work.resolve("created-by-rule");
        String markerName = "annexa-draft-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        RuleDraft draft = new RuleDraft(PATH, RuleSandboxTest.RULE_YML, drl.replace("PACKAGE", PATH.replace('/', '.'))
                .replace("MARKER_NAME", markerName).replace("MARKER", marker.toString()), scenarios());

        List<String> problems = check(draft, RuleDraft.Limits.DEFAULT);

        assertThat(marker).doesNotExist();
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith(markerName))).isEmpty();
        }
        assertThat(problems).anySatisfy(problem -> assertThat(problem)
                .startsWith("rules/" + PATH + "/" + refusal).endsWith("(sandbox)"));
    }

    @Test
    void aSoundDraftPasses() throws IOException {
        String consequence = "    insertLogical(findings.of(drools, $e.getAsset(), \"root may log in\"));";
        RuleDraft draft = new RuleDraft(PATH, RuleSandboxTest.RULE_YML, drl(consequence), scenarios());

        assertThat(check(draft, RuleDraft.Limits.DEFAULT)).isEmpty();
    }

    @Test
    void aConsequenceThatLoopsWithoutFiringIsStoppedByTheWallClock() throws IOException {
        String consequence = "    long n = 0;\n    while (n >= 0) { n = n + 1; if (n == Long.MAX_VALUE) { n = 0; } }";
        RuleDraft draft = new RuleDraft(PATH, RuleSandboxTest.RULE_YML, drl(consequence), scenarios());
        long start = System.nanoTime();

        List<String> problems = check(draft, new RuleDraft.Limits(256 * 1024, 50, Duration.ofMillis(500)));

        assertThat(problems).anySatisfy(problem -> assertThat(problem)
                .contains("root_yes.fail.sshd_config").contains("stopped after the wall-clock limit of 500 ms"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aDraftIsBoundedInSizeAndScenarios() throws IOException {
        Map<String, String> many = scenarios();
        for (int i = 0; i < 51; i++) {
            many.put("extra_" + i + ".pass.sshd_config", PASS);
        }
        String big = "#".repeat(256 * 1024);

        assertThat(check(new RuleDraft(PATH, RuleSandboxTest.RULE_YML, drl(""), many), RuleDraft.Limits.DEFAULT))
                .contains("scenarios: 53 files, at most 50");
        assertThat(check(new RuleDraft(PATH, RuleSandboxTest.RULE_YML + big, drl(""), scenarios()), RuleDraft.Limits.DEFAULT))
                .anySatisfy(problem -> assertThat(problem).startsWith("draft: ").endsWith("bytes (rule.yml, DRL and scenarios), at most 262144"));
        assertThat(check(new RuleDraft(PATH, RuleSandboxTest.RULE_YML, drl(""), Map.of("../../rule.yml", PASS)), RuleDraft.Limits.DEFAULT))
                .contains("scenarios: '../../rule.yml' is not a plain file name");
    }

    @Test
    void aDraftWithoutScenariosIsAProblemNotACrash() throws IOException {
        RuleDraft none = new RuleDraft(PATH, RuleSandboxTest.RULE_YML, drl(""), null);
        Map<String, String> empty = scenarios();
        empty.put("root_maybe.pass.sshd_config", null);
        RuleDraft emptyScenario = new RuleDraft(PATH, RuleSandboxTest.RULE_YML, drl(""), empty);

        assertThat(check(none, RuleDraft.Limits.DEFAULT)).containsExactly("scenarios: missing; give at least one passing and one failing scenario");
        assertThat(check(emptyScenario, RuleDraft.Limits.DEFAULT)).containsExactly("scenarios: 'root_maybe.pass.sshd_config' has no content");
        assertThatThrownBy(() -> none.writeInto(work.resolve("rules"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emptyScenario.writeInto(work.resolve("rules"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(work.resolve("rules")).doesNotExist();
    }

    @Test
    void aRuleIdInServiceUnderAnotherControlIsRefused() throws IOException {
        Path rules = work.resolve("service-rules");
        RuleDraft inService = new RuleDraft(PATH, RuleSandboxTest.RULE_YML,
                drl("    insertLogical(findings.of(drools, $e.getAsset(), \"root may log in\"));"), scenarios());
        inService.writeInto(rules);
        String elsewhere = "technological/c8_09_configuration_management/evil";
        RuleDraft moved = new RuleDraft(elsewhere, RuleSandboxTest.RULE_YML, inService.drl(), scenarios());

        List<String> problems = check(moved, RuleDraft.Limits.DEFAULT);

        assertThat(problems).containsExactly("path: rule 'evil' exists already in " + PATH + "; a rule keeps its folder: send it"
                + " with path '" + PATH + "', or remove that folder first");
        assertThat(rules.resolve(elsewhere)).doesNotExist();
        assertThat(check(inService, RuleDraft.Limits.DEFAULT)).as("the rule in its own folder").isEmpty();
    }

    @Test
    void aRuleMayNotBeNamedLikeTheScenarioFolder() throws IOException {
        RuleDraft draft = new RuleDraft("technological/c8_05_secure_authentication/tests", RuleSandboxTest.RULE_YML, drl(""), scenarios());

        assertThat(check(draft, RuleDraft.Limits.DEFAULT))
                .contains("path: a rule may not be named 'tests', the name of a rule's scenario folder");
        assertThatThrownBy(() -> draft.writeInto(work.resolve("rules"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDraftPathIsExactlyOneRuleFolder() throws IOException {
        for (String path : List.of("technological", "technological/c8_05_secure_authentication", "other/c8_05_x/evil",
                "technological/8_05_x/evil", "technological/c8_05_X/evil", "technological/c8_05_x/Evil",
                "technological/c8_05_x/evil/more", "technological/../c8_05_x/evil")) {
            RuleDraft draft = new RuleDraft(path, RuleSandboxTest.RULE_YML, drl(""), scenarios());

            assertThat(check(draft, RuleDraft.Limits.DEFAULT)).as(path).anySatisfy(problem -> assertThat(problem).startsWith("path: '" + path + "'"));
            assertThatThrownBy(() -> draft.writeInto(work.resolve("rules"))).as(path).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void writingADraftTouchesNothingButItsOwnFolder() throws IOException {
        Path rules = work.resolve("rules");
        Path neighbour = rules.resolve("technological/c8_05_secure_authentication/sshd_root_login_disabled/rule.yml");
        Files.createDirectories(neighbour.getParent());
        Files.writeString(neighbour, "id: sshd_root_login_disabled\n");
        RuleDraft draft = new RuleDraft(PATH, RuleSandboxTest.RULE_YML, drl(""), scenarios());

        draft.writeInto(rules);
        draft.writeInto(rules);

        assertThat(neighbour).hasContent("id: sshd_root_login_disabled");
        assertThat(rules.resolve(PATH).resolve("evil.drl")).exists();
        assertThat(ProjectFiles.rules()).isDirectory();
    }
}
