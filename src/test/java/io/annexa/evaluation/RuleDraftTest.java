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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

                rule "evil"
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
                .startsWith("rules/" + PATH + "/evil.drl:11: error: rule evil reaches java.nio.file.Path.of(String, String[])")
                .endsWith("(sandbox)"));
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
